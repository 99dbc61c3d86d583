using System.Text;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Links;

/// <summary>
/// A raw tracepoint program (<c>BPF_PROG_TYPE_RAW_TRACEPOINT</c>) attached with <c>BPF_RAW_TRACEPOINT_OPEN</c>, made by
/// <see cref="TracingAttachExtensions.AttachRawTracepoint"/>.
/// </summary>
public sealed class RawTracepointLink : Link
{
    private RawTracepointLink(BpfFileDescriptor fd, IBpfSyscalls syscalls, string name)
        : base(fd, syscalls)
    {
        Name = name;
    }

    /// <summary>The tracepoint, e.g. <c>sys_enter</c>.</summary>
    public string Name { get; }

    /// <summary>Attaches <paramref name="program"/> to raw tracepoint <paramref name="name"/> with <paramref name="cookie"/> (0 for none).</summary>
    /// <exception cref="EbpfNotSupportedException">A non-zero cookie on a kernel before 6.10.</exception>
    /// <exception cref="EbpfException">ENOENT: no such tracepoint.</exception>
    internal static unsafe RawTracepointLink Attach(BpfFileDescriptor program, string name, ulong cookie, IBpfSyscalls sys)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentException.ThrowIfNullOrEmpty(name);
        fixed (byte* p = Encoding.UTF8.GetBytes(name + "\0"))
        {
            using var programUse = new FdUse(program);
            try
            {
                var fd = sys.RawTracepointOpen(new RawTracepointOpenAttr { Name = (ulong)p, ProgFd = programUse.Fd, Cookie = cookie });
                return new RawTracepointLink(fd, sys, name);
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
