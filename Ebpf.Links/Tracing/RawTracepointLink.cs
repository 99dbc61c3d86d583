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
    public static Link Attach(BpfFileDescriptor program, string name, IBpfSyscalls? syscalls = null) =>
        Attach(program, name, 0, syscalls);

    /// <summary>
    /// Attaches <paramref name="program"/> to raw tracepoint <paramref name="name"/> with a BPF cookie, which the
    /// program reads with <c>bpf_get_attach_cookie</c> (Linux 6.10+).
    /// </summary>
    /// <param name="program">A raw tracepoint (or writable raw tracepoint) program.</param>
    /// <param name="name">The tracepoint name, without group.</param>
    /// <param name="cookie">The BPF cookie; 0 for none (every kernel).</param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    /// <exception cref="EbpfNotSupportedException">A non-zero cookie on a kernel before 6.10.</exception>
    /// <exception cref="EbpfException">ENOENT: no such tracepoint.</exception>
    public static unsafe Link Attach(BpfFileDescriptor program, string name, ulong cookie, IBpfSyscalls? syscalls = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var sys = syscalls ?? LinuxBpfSyscalls.Instance;
        fixed (byte* p = Encoding.UTF8.GetBytes(name + "\0"))
        {
            using var programUse = new FdUse(program);
            try
            {
                var fd = sys.RawTracepointOpen(new RawTracepointOpenAttr { Name = (ulong)p, ProgFd = programUse.Fd, Cookie = cookie });
                return new Link(fd, sys);
            }
            catch (EbpfException e) when (e.Errno == Errno.EINVAL && cookie != 0)
            {
                // EINVAL has other causes too (a program of another type): the probe tells whether it is the cookie.
                if (!Features.IsSupported(new Features(sys).HaveRawTracepointCookie))
                {
                    throw new EbpfNotSupportedException("BPF cookie on raw tracepoints (BPF_RAW_TRACEPOINT_OPEN)", "6.10", e.Errno, e);
                }

                throw;
            }
        }
    }
}
