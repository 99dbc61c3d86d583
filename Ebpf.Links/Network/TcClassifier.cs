using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Links;

/// <summary>
/// A sched_cls program attached as a direct-action <c>cls_bpf</c> filter on a device's clsact qdisc, through rtnetlink
/// (libbpf's <c>bpf_tc_attach</c>; the way before TCX links, Linux 6.6), made by
/// <see cref="NetworkAttachExtensions.AttachTcClassifier(Program, int, TcDirection, TcClassifierOptions?)"/>. Disposing
/// removes the filter unless <see cref="LeaveAttached"/> was called; <see cref="Update(BpfFileDescriptor)"/> replaces its
/// program in place. There is no <c>bpf_link</c>: <see cref="Link.Pin"/> and <see cref="Link.Info"/> are not
/// available, <see cref="Query"/> reads the filter instead.
/// </summary>
public sealed class TcClassifier : Link
{
    private readonly string? _name;
    private bool _detached;
    private bool _leftAttached;

    private TcClassifier(TcFilterInfo filter, string? name, IBpfSyscalls syscalls)
        : base(syscalls)
    {
        IfIndex = filter.IfIndex;
        Direction = filter.Direction;
        Handle = filter.Handle;
        Priority = filter.Priority;
        ProgramId = filter.ProgramId;
        _name = name;
    }

    /// <summary>The device's interface index.</summary>
    public int IfIndex { get; }

    /// <summary>The side of the clsact qdisc.</summary>
    public TcDirection Direction { get; }

    /// <summary>The filter's handle (the one asked for, or the kernel's choice).</summary>
    public uint Handle { get; }

    /// <summary>The filter's priority (the one asked for, or the kernel's choice).</summary>
    public ushort Priority { get; }

    /// <summary>The id of the program the filter runs, as the kernel reported it at attach or update; 0 when it did not (before 4.13).</summary>
    public uint ProgramId { get; private set; }

    /// <summary>Adds the filter (<c>RTM_NEWTFILTER</c>, echoed back for the handle and priority the kernel chose).</summary>
    internal static TcClassifier Attach(Program program, int ifIndex, TcDirection direction, TcClassifierOptions? options)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ifIndex);
        options ??= new TcClassifierOptions();
        if (options.Replace && (options.Handle == 0 || options.Priority == 0))
        {
            throw new ArgumentException("replacing a filter needs its handle and priority", nameof(options));
        }

        var requested = new TcFilterInfo { IfIndex = ifIndex, Direction = direction, Handle = options.Handle, Priority = options.Priority };
        var filter = Send(program.Syscalls, requested, program.FileDescriptor, options.Name ?? program.Name, options.Replace);
        return new TcClassifier(filter, options.Name, program.Syscalls);
    }

    /// <summary>
    /// The <c>cls_bpf</c> filters on <paramref name="direction"/> of device <paramref name="ifIndex"/>'s clsact qdisc (an
    /// <c>RTM_GETTFILTER</c> dump), by priority then handle; empty when the device has no clsact qdisc. Finds filters
    /// left attached, e.g. by an earlier run.
    /// </summary>
    /// <param name="ifIndex">The interface index.</param>
    /// <param name="direction">Ingress or egress.</param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    public static IReadOnlyList<TcFilterInfo> List(int ifIndex, TcDirection direction, IBpfSyscalls? syscalls = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ifIndex);
        var filters = new List<TcFilterInfo>();
        using (var netlink = RouteNetlink.Open(syscalls ?? LinuxBpfSyscalls.Instance))
        {
            netlink.Execute(TcRequests.Dump(ifIndex, direction), reply =>
            {
                if (TcRequests.Read(reply, direction) is { } filter)
                {
                    filters.Add(filter);
                }
            });
        }

        return filters.OrderBy(f => f.Priority).ThenBy(f => f.Handle).ToList();
    }

    /// <summary>Reads the filter as the kernel has it now (<c>RTM_GETTFILTER</c>).</summary>
    /// <exception cref="EbpfException">ENOENT or EINVAL (its priority is gone too), with the kernel's message: the filter is gone.</exception>
    public TcFilterInfo Query()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        TcFilterInfo? found = null;
        using (var netlink = RouteNetlink.Open(Syscalls))
        {
            netlink.Execute(TcRequests.Query(IfIndex, Direction, Handle, Priority), reply => found ??= TcRequests.Read(reply, Direction));
        }

        return found ?? throw new EbpfException(RouteMessageNames.Of(RouteMessageNames.GetFilter), Errno.ENOENT, $"no bpf filter with handle {Handle} and priority {Priority}");
    }

    /// <summary>
    /// Replaces the filter's program in place (<c>RTM_NEWTFILTER</c> with <c>NLM_F_REPLACE</c>, same handle and
    /// priority); the filter is named for the new program unless <see cref="TcClassifierOptions.Name"/> named it.
    /// </summary>
    /// <param name="newProgram">A sched_cls program.</param>
    public override void Update(BpfFileDescriptor newProgram)
    {
        ArgumentNullException.ThrowIfNull(newProgram);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        string name = _name ?? Program.QueryInfo(Syscalls, newProgram).Name.ToString();
        var filter = Send(Syscalls, new TcFilterInfo { IfIndex = IfIndex, Direction = Direction, Handle = Handle, Priority = Priority }, newProgram, name, replace: true);
        ProgramId = filter.ProgramId;
        _detached = false;
    }

    /// <summary>Leaves the filter attached when this object is disposed; remove it later with <see cref="ClsactQdisc.DetachFilter"/> or with the qdisc.</summary>
    public void LeaveAttached() => _leftAttached = true;

    /// <summary>Removes the filter now (<c>RTM_DELTFILTER</c>); nothing when this object removed it already.</summary>
    /// <exception cref="EbpfException">ENOENT or EINVAL: someone else removed the filter.</exception>
    public override void Detach()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (_detached)
        {
            return;
        }

        Delete(Syscalls, IfIndex, Direction, Handle, Priority);
        _detached = true;
    }

    /// <inheritdoc />
    public override string ToString() => $"TcClassifier (device {IfIndex} {Direction}, handle {Handle}, priority {Priority})";

    /// <summary>Removes the filter with <paramref name="handle"/> and <paramref name="priority"/>.</summary>
    internal static void Delete(IBpfSyscalls syscalls, int ifIndex, TcDirection direction, uint handle, ushort priority)
    {
        using var netlink = RouteNetlink.Open(syscalls);
        netlink.Execute(TcRequests.Detach(ifIndex, direction, handle, priority));
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_detached && !_leftAttached)
        {
            try
            {
                Delete(Syscalls, IfIndex, Direction, Handle, Priority);
            }
            catch (EbpfException)
            {
                // Removed already (by someone else, or with the qdisc or the device).
            }
            finally
            {
                _detached = true;
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>Sends the filter and reads the echo; an echo the kernel did not send leaves the requested values.</summary>
    private static TcFilterInfo Send(IBpfSyscalls syscalls, TcFilterInfo requested, BpfFileDescriptor program, string name, bool replace)
    {
        TcFilterInfo? echoed = null;
        using var netlink = RouteNetlink.Open(syscalls);
        using var programUse = new FdUse(program);
        var request = TcRequests.Attach(requested.IfIndex, requested.Direction, requested.Handle, requested.Priority, (int)programUse.Fd, name, replace);
        netlink.Execute(request, reply => echoed ??= TcRequests.Read(reply, requested.Direction), (ack, failure) => (Errno)ack.Errno switch
        {
            // The kernel answers ENOENT ("TC classifier not found") when it has no cls_bpf.
            Errno.ENOENT => new EbpfNotSupportedException("the cls_bpf classifier (CONFIG_NET_CLS_BPF)", "4.4", Errno.ENOENT, failure),
            Errno.EINVAL when ack.Message?.Contains("Qdisc", StringComparison.Ordinal) == true => new EbpfException(
                failure.Operation, Errno.EINVAL, $"{ack.Message}: device {requested.IfIndex} needs a clsact qdisc first (ClsactQdisc.Create)"),
            _ => failure,
        });
        return echoed ?? requested;
    }
}
