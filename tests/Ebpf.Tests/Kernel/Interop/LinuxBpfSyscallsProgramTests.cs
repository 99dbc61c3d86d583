using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel;

[Category("Kernel")]
public sealed unsafe class LinuxBpfSyscallsProgramTests
{
    private static readonly IBpfSyscalls Sys = LinuxBpfSyscalls.Instance;

    [Test]
    public void SocketFilterLoadsAndTestRuns()
    {
        using var prog = KernelPrograms.LoadSocketFilter(Sys, KernelPrograms.Encode(KernelPrograms.MovR0(7), KernelPrograms.Exit()));
        var packet = new byte[64];
        fixed (byte* data = packet)
        {
            var run = new ProgTestRunAttr { ProgFd = (uint)prog.DangerousGetFd(), DataIn = (ulong)data, DataSizeIn = (uint)packet.Length, Repeat = 1 };
            Sys.ProgTestRun(ref run);
            Assert.That(run.Retval, Is.EqualTo(7u));
        }
    }

    [Test]
    public void ZeroProgramReturnsZero()
    {
        using var prog = KernelPrograms.LoadSocketFilter(Sys, KernelPrograms.Encode(KernelPrograms.MovR0(0), KernelPrograms.Exit()));
        var packet = new byte[64];
        fixed (byte* data = packet)
        {
            var run = new ProgTestRunAttr { ProgFd = (uint)prog.DangerousGetFd(), DataIn = (ulong)data, DataSizeIn = (uint)packet.Length, Retval = 99 };
            Sys.ProgTestRun(ref run);
            Assert.That(run.Retval, Is.Zero);
        }
    }

    [Test]
    public void ProgramInfoHasIdTagAndName()
    {
        using var prog = KernelPrograms.LoadSocketFilter(Sys, KernelPrograms.Encode(KernelPrograms.MovR0(0), KernelPrograms.Exit()), name: "info_prog");
        var info = KernelPrograms.ProgInfoOf(Sys, prog);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(info.Type, Is.EqualTo(BpfProgramType.SocketFilter));
            Assert.That(info.Id, Is.Not.Zero);
            Assert.That(info.Tag.ToString(), Has.Length.EqualTo(16).And.Not.EqualTo("0000000000000000"));
            Assert.That(info.Name.ToString(), Is.EqualTo("info_prog"));
            Assert.That(info.GplCompatible, Is.True);
            Assert.That(info.XlatedProgLen, Is.EqualTo(16));
        }

        using var byId = Sys.GetFdById(BpfObjectKind.Program, new GetIdAttr { Id = info.Id });
        var again = KernelPrograms.ProgInfoOf(Sys, byId);
        Assert.That(again.Tag.ToString(), Is.EqualTo(info.Tag.ToString()));
    }

    [Test]
    public void VerifierFailureCarriesTheLog()
    {
        var code = KernelPrograms.Encode(KernelPrograms.Exit()); // r0 is never written
        var log = new byte[64 * 1024];
        var e = Assert.Throws<EbpfVerifierException>(() => KernelPrograms.LoadSocketFilter(Sys, code, log))!;
        using var scope = Assert.EnterMultipleScope();
        Assert.That(e.Errno, Is.EqualTo(Errno.EACCES));
        Assert.That(e.Command, Is.EqualTo(BpfCommand.ProgLoad));
        Assert.That(e.Log, Does.Contain("R0 !read_ok"));
        Assert.That(e.Message, Does.Contain("R0 !read_ok"));
        Assert.That(e.LogTruncated, Is.False);
    }

    [Test]
    public void TooSmallLogBufferIsReportedAsTruncated()
    {
        // 128 bytes: the smallest buffer kernels before 6.4 accept (a smaller one is EINVAL there), too small for the level-2 log of 17 instructions.
        var code = KernelPrograms.Encode([.. Enumerable.Range(0, 16).Select(i => KernelPrograms.MovR0(i)), KernelPrograms.Exit()]);
        var log = new byte[128];
        var e = Assert.Throws<EbpfVerifierException>(() => KernelPrograms.LoadSocketFilter(Sys, code, log, logLevel: 2))!;
        using var scope = Assert.EnterMultipleScope();
        Assert.That(e.Errno, Is.EqualTo(Errno.ENOSPC));
        Assert.That(e.LogTruncated, Is.True);
        Assert.That(e.Log, Is.Not.Empty);
    }

    [Test]
    public void RawTracepointOpenGivesALink()
    {
        using var prog = KernelPrograms.LoadProgram(Sys, BpfProgramType.RawTracepoint, KernelPrograms.Encode(KernelPrograms.MovR0(0), KernelPrograms.Exit()));
        fixed (byte* name = "sys_enter\0"u8)
        {
            using var link = Sys.RawTracepointOpen(new RawTracepointOpenAttr { Name = (ulong)name, ProgFd = (uint)prog.DangerousGetFd() });
            Assert.That(link.IsInvalid, Is.False);
            var ids = new List<uint>();
            var next = new GetIdAttr();
            while (Sys.TryGetNextId(BpfObjectKind.Link, ref next) == Errno.None)
            {
                ids.Add(next.NextId);
                next.StartId = next.NextId;
            }

            Assert.That(ids, Is.Not.Empty);
        }
    }

    [Test]
    public void VerifierFailureWithoutLogBufferHasEmptyLog()
    {
        var e = Assert.Throws<EbpfVerifierException>(() => KernelPrograms.LoadSocketFilter(Sys, KernelPrograms.Encode(KernelPrograms.Exit())))!;
        Assert.That(e.Log, Is.Empty);
        Assert.That(e.Message, Does.Contain("give a log buffer"));
    }

    [Test]
    public void PerfEventOpenAndIoctlEnable()
    {
        // PERF_TYPE_SOFTWARE / PERF_COUNT_SW_CPU_CLOCK on this thread, created disabled (flags bit 0).
        var attr = new PerfEventAttr { Type = 1, Config = 0, Flags = 1 };
        using var fd = Sys.System().PerfEventOpen(attr, pid: 0, cpu: -1, groupFd: -1, flags: 8 /* PERF_FLAG_FD_CLOEXEC */);
        Assert.That(fd.IsInvalid, Is.False);
        const ulong PerfEventIocEnable = 0x2400;
        Assert.That(Sys.System().Ioctl(fd, PerfEventIocEnable, 0), Is.Zero);
    }
}
