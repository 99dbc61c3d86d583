using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>
/// A program attached to a perf event (tracepoint, kprobe, uprobe, software counter): holds the perf event
/// descriptor and, on Linux 5.15+, the <c>bpf_link</c> over it (<c>BPF_LINK_CREATE</c> with <c>BPF_PERF_EVENT</c>).
/// Older kernels get <c>PERF_EVENT_IOC_SET_BPF</c>; then <see cref="Link.Fd"/> is null and pinning or updating is not
/// possible. Disposing closes both, which detaches the program; an optional cleanup (removing a tracefs probe event)
/// runs last.
/// </summary>
public sealed class PerfEventLink : Link
{
    /// <summary><c>PERF_EVENT_IOC_ENABLE</c>.</summary>
    internal const ulong IocEnable = 0x2400;

    /// <summary><c>PERF_EVENT_IOC_SET_BPF</c> (<c>_IOW('$', 8, __u32)</c>).</summary>
    internal const ulong IocSetBpf = 0x40042408;

    /// <summary><c>PERF_FLAG_FD_CLOEXEC</c>.</summary>
    internal const ulong FlagFdCloExec = 8;

    private readonly Action? _cleanup;

    /// <summary>What <c>BPF_LINK_CREATE</c> with <c>BPF_PERF_EVENT</c> returned when the attach fell back to <c>PERF_EVENT_IOC_SET_BPF</c>.</summary>
    private readonly Errno _linkError;

    private PerfEventLink(BpfFileDescriptor perfEvent, BpfFileDescriptor link, IBpfSyscalls syscalls, Action? cleanup)
        : base(link, syscalls)
    {
        PerfEvent = perfEvent;
        _cleanup = cleanup;
    }

    private PerfEventLink(BpfFileDescriptor perfEvent, IBpfSyscalls syscalls, Action? cleanup, Errno linkError)
        : base(syscalls)
    {
        PerfEvent = perfEvent;
        _cleanup = cleanup;
        _linkError = linkError;
    }

    /// <summary>The perf event descriptor.</summary>
    public BpfFileDescriptor PerfEvent { get; }

    /// <summary>
    /// Attaches <paramref name="program"/> to an open perf event, taking ownership of <paramref name="perfEvent"/>
    /// (it is closed on failure too), and enables the event; <paramref name="cleanup"/> runs after the descriptors are
    /// closed on dispose, or on failure.
    /// </summary>
    internal static PerfEventLink Attach(BpfFileDescriptor perfEvent, BpfFileDescriptor program, ulong cookie, IBpfSyscalls sys,
        Action? cleanup = null)
    {
        ArgumentNullException.ThrowIfNull(perfEvent);
        ArgumentNullException.ThrowIfNull(program);
        try
        {
            PerfEventLink result;
            BpfFileDescriptor? link = TryLinkCreate(sys, perfEvent, program, cookie, out var linkError);
            if (link is not null)
            {
                result = new PerfEventLink(perfEvent, link, sys, cleanup);
            }
            else
            {
                if (cookie != 0)
                {
                    throw new EbpfNotSupportedException("BPF cookie on perf events (BPF_LINK_CREATE with BPF_PERF_EVENT)", "5.15", linkError);
                }

                using (var programUse = new FdUse(program))
                {
                    sys.System().Ioctl(perfEvent, IocSetBpf, (nint)programUse.Fd);
                }
                result = new PerfEventLink(perfEvent, sys, cleanup, linkError);
            }

            try
            {
                sys.System().Ioctl(perfEvent, IocEnable, 0);
            }
            catch
            {
                result.Dispose();
                throw;
            }

            return result;
        }
        catch
        {
            if (!perfEvent.IsClosed)
            {
                perfEvent.Dispose();
                cleanup?.Invoke();
            }

            throw;
        }
    }

    /// <summary>
    /// Not available: the kernel has no <c>BPF_LINK_DETACH</c> for perf event links, and disabling the event does not
    /// stop a tracepoint's program. Dispose the link (and remove its pin) to detach.
    /// </summary>
    /// <exception cref="EbpfNotSupportedException">Always.</exception>
    public override void Detach()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        throw new EbpfNotSupportedException("detaching a perf event link without closing it (dispose it instead)", null, Errno.EOPNOTSUPP);
    }

    /// <summary>
    /// Without a <c>bpf_link</c> the kernel lacked <c>BPF_LINK_CREATE</c> for perf events (Linux 5.15): the exception
    /// names that, and what the kernel returned when the attach tried it.
    /// </summary>
    private protected override EbpfNotSupportedException NoBpfLink(string operation) =>
        new($"{operation} on a perf event attachment (it needs a bpf_link: BPF_LINK_CREATE with BPF_PERF_EVENT)", "5.15", _linkError);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            PerfEvent.Dispose();
            _cleanup?.Invoke();
        }
    }

    private static BpfFileDescriptor? TryLinkCreate(IBpfSyscalls sys, BpfFileDescriptor perfEvent, BpfFileDescriptor program, ulong cookie,
        out Errno error)
    {
        error = Errno.None;
        try
        {
            using var programUse = new FdUse(program);
            using var perfEventUse = new FdUse(perfEvent);
            var attr = new LinkCreateAttr
            {
                ProgFd = programUse.Fd, TargetFd = perfEventUse.Fd, AttachType = BpfAttachType.PerfEvent,
                PerfEventBpfCookie = cookie,
            };
            var link = sys.LinkCreate(attr);
            return link;
        }
        catch (EbpfException e) when (e.Errno is Errno.EINVAL or Errno.E2BIG)
        {
            // Before 5.15 BPF_PERF_EVENT is an unknown attach type.
            error = e.Errno;
            return null;
        }
        catch (EbpfNotSupportedException e)
        {
            error = e.Errno;
            return null;
        }
    }
}
