using Ebpf.Kernel;

namespace Ebpf.Links;

/// <summary>
/// Attach calls on a loaded <see cref="Program"/>: <c>program.AttachTracepoint("syscalls", "sys_enter_execve")</c>
/// instead of passing its descriptor to the link types. Each returns the link; disposing it detaches.
/// </summary>
public static class ProgramAttachExtensions
{
    /// <summary>Attaches to a tracepoint (<see cref="TracepointLink"/>).</summary>
    public static PerfEventLink AttachTracepoint(this Program program, string group, string name, ulong cookie = 0) =>
        TracepointLink.Attach(Fd(program), group, name, cookie);

    /// <summary>Attaches to a raw tracepoint (<see cref="RawTracepointLink"/>), with a BPF cookie on Linux 6.10+.</summary>
    public static Link AttachRawTracepoint(this Program program, string name, ulong cookie = 0) =>
        RawTracepointLink.Attach(Fd(program), name, cookie);

    /// <summary>Attaches a tp_btf, fentry, fexit, fmod_ret or lsm program to the target it was loaded for (<see cref="TracingLink"/>).</summary>
    public static Link AttachTracing(this Program program, Ebpf.Specs.BpfAttachType attachType, ulong cookie = 0) =>
        TracingLink.Attach(Fd(program), attachType, cookie);

    /// <summary>Creates an iterator (<see cref="IterLink"/>); read it with <see cref="IterLink.Open"/>.</summary>
    public static IterLink AttachIterator(this Program program, Map? map = null) =>
        IterLink.Attach(Fd(program), map?.FileDescriptor);

    /// <summary>Attaches a uprobe or uretprobe to <paramref name="symbol"/> of <paramref name="binaryPath"/> (<see cref="UprobeLink"/>).</summary>
    public static PerfEventLink AttachUprobe(this Program program, string binaryPath, string symbol, bool retprobe = false, int pid = -1, ulong cookie = 0,
        ulong referenceCounterOffset = 0) =>
        UprobeLink.Attach(Fd(program), binaryPath, symbol, retprobe, pid, cookie, referenceCounterOffset);

    /// <summary>Attaches to a cgroup directory (<see cref="CgroupLink"/>), falling back to <c>BPF_PROG_ATTACH</c> on old kernels.</summary>
    public static Link AttachCgroup(this Program program, string cgroupPath, Ebpf.Specs.BpfAttachType attachType) =>
        CgroupLink.Attach(Fd(program), cgroupPath, attachType);

    /// <summary>Attaches an XDP program to a network interface (<see cref="XdpLink"/>).</summary>
    public static Link AttachXdp(this Program program, string interfaceName, XdpAttachFlags flags = XdpAttachFlags.None) =>
        XdpLink.Attach(Fd(program), interfaceName, flags);

    /// <summary>Attaches a TCX ingress or egress program to a network interface (<see cref="TcxLink"/>).</summary>
    public static Link AttachTcx(this Program program, string interfaceName, Ebpf.Specs.BpfAttachType attachType, LinkAnchor? anchor = null) =>
        TcxLink.Attach(Fd(program), NetworkInterfaceIndex.Of(interfaceName), attachType, anchor);

    private static BpfFileDescriptor Fd(Program program)
    {
        ArgumentNullException.ThrowIfNull(program);
        return program.FileDescriptor;
    }
}
