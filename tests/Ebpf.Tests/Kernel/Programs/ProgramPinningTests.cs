using Ebpf.Asm;
using Ebpf.Kernel;

namespace Ebpf.Tests.Kernel;

/// <summary>Program pinning on a bpffs mounted privately in a temporary directory.</summary>
[Category("Kernel")]
public sealed class ProgramPinningTests : PrivateBpffsFixture
{
    [Test]
    public void PinOpenPinnedAndUnpin()
    {
        string path = Path.Combine(PinDirectory, "prog");
        using var program = Program.Load(new ProgramSpec
        {
            Name = "pinned",
            Type = BpfProgramType.SocketFilter,
            Instructions = new Instructions([Insn.Mov.Imm(Register.R0, 9), Insn.Exit()]),
        });
        program.Pin(path);
        Assert.That(program.PinnedPath, Is.EqualTo(path));
        using (var reopened = Program.OpenPinned(path))
        {
            Assert.That(reopened.Info().Id, Is.EqualTo(program.Info().Id));
            Assert.That(reopened.Name, Is.EqualTo("pinned"));
            Assert.That(reopened.TestRun(new byte[16]).ReturnValue, Is.EqualTo(9u));
        }

        var again = Assert.Throws<EbpfException>(() => program.Pin(path))!;
        Assert.That(again.Errno, Is.EqualTo(Errno.EEXIST));
        program.Unpin();
        Assert.That(File.Exists(path), Is.False);
        Assert.That(program.PinnedPath, Is.Null);
        var missing = Assert.Throws<EbpfException>(() => Program.OpenPinned(path))!;
        Assert.That(missing.Errno, Is.EqualTo(Errno.ENOENT));
    }
}
