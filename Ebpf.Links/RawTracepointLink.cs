using System.Text;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Links;

/// <summary>Attaches raw tracepoint programs (<c>BPF_PROG_TYPE_RAW_TRACEPOINT</c>) with <c>BPF_RAW_TRACEPOINT_OPEN</c>.</summary>
public static class RawTracepointLink
{
    /// <summary>Attaches <paramref name="program"/> to raw tracepoint <paramref name="name"/> (e.g. <c>sys_enter</c>).</summary>
    /// <param name="program">A raw tracepoint (or writable raw tracepoint) program.</param>
    /// <param name="name">The tracepoint name, without group.</param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    /// <exception cref="EbpfException">ENOENT: no such tracepoint.</exception>
    public static unsafe Link Attach(BpfFileDescriptor program, string name, IBpfSyscalls? syscalls = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var sys = syscalls ?? LinuxBpfSyscalls.Instance;
        fixed (byte* p = Encoding.UTF8.GetBytes(name + "\0"))
        {
            using var programUse = new FdUse(program);
            var fd = sys.RawTracepointOpen(new RawTracepointOpenAttr { Name = (ulong)p, ProgFd = programUse.Fd });
            return new Link(fd, sys);
        }
    }
}
