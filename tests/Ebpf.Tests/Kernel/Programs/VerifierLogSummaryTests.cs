using Ebpf.Kernel;

namespace Ebpf.Tests.Kernel;

public sealed class VerifierLogSummaryTests
{
    [Test]
    public void SummaryHasComplaintInstructionAndSource()
    {
        const string log =
            "func#0 @0\n0: R1=ctx() R10=fp0\n; x = *p; @ a.c:3\n0: (79) r0 = *(u64 *)(r2 +0)\nR2 !read_ok\nprocessed 1 insns (limit 1000000)\n";
        string summary = VerifierLogSummary.Summarize(log, truncated: false);
        Assert.That(summary, Is.EqualTo("R2 !read_ok\n  at insn 0: (79) r0 = *(u64 *)(r2 +0)\n  source: x = *p; @ a.c:3"));
    }

    [Test]
    public void CorePoisonIsNamed()
    {
        const string log =
            "; pid = BPF_CORE_READ(t, pid); @ c.c:9\n4: (85) call unknown#195896080\ninvalid func unknown#195896080\nprocessed 5 insns\n";
        string summary = VerifierLogSummary.Summarize(log, truncated: false);
        Assert.That(summary, Does.StartWith("bad CO-RE relocation"));
        Assert.That(summary, Does.Contain("source: pid = BPF_CORE_READ(t, pid); @ c.c:9"));
    }

    [Test]
    public void LogWithoutInstructionsGivesItsLastLine()
    {
        string summary = VerifierLogSummary.Summarize("func#0 @0\nunreachable insn 1\n", truncated: false);
        Assert.That(summary, Is.EqualTo("unreachable insn 1"));
    }

    [Test]
    public void InstructionWithoutSourceHasNoSourceLine()
    {
        string summary = VerifierLogSummary.Summarize("0: (95) exit\nR0 !read_ok\n", truncated: true);
        Assert.That(summary, Is.EqualTo("R0 !read_ok\n  at insn 0: (95) exit\n  (the log was truncated)"));
    }

    [Test]
    public void EmptyLogSaysSo() =>
        Assert.That(VerifierLogSummary.Summarize("", truncated: false), Is.EqualTo("the kernel wrote no verifier log"));
}
