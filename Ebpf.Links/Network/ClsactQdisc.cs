using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Links;

/// <summary>
/// The clsact qdisc of a device, which holds the <c>cls_bpf</c> filters of
/// <see cref="NetworkAttachExtensions.AttachTcClassifier(Program, int, TcDirection, TcClassifierOptions?)"/> (libbpf's
/// <c>bpf_tc_hook_create</c>/<c>bpf_tc_hook_destroy</c>, <c>tc qdisc add dev X clsact</c>). Made with
/// <see cref="Create(int, IBpfSyscalls?)"/>, which keeps a qdisc already there; disposing removes the qdisc, with every
/// filter on it, only when <see cref="Create(int, IBpfSyscalls?)"/> made it. Works through rtnetlink in the calling
/// thread's network namespace and needs CAP_NET_ADMIN there.
/// </summary>
public sealed class ClsactQdisc : IDisposable
{
    private readonly IBpfSyscalls _syscalls;
    private bool _destroyed;

    private ClsactQdisc(int ifIndex, bool created, IBpfSyscalls syscalls)
    {
        IfIndex = ifIndex;
        Created = created;
        _syscalls = syscalls;
    }

    /// <summary>The device's interface index.</summary>
    public int IfIndex { get; }

    /// <summary>True when <see cref="Create(int, IBpfSyscalls?)"/> made the qdisc; false when it was there already.</summary>
    public bool Created { get; }

    /// <summary>Adds the clsact qdisc to device <paramref name="ifIndex"/> (<c>RTM_NEWQDISC</c>), or keeps the one already there.</summary>
    /// <param name="ifIndex">The interface index.</param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    /// <exception cref="EbpfNotSupportedException">The kernel has no clsact qdisc (<c>CONFIG_NET_SCH_INGRESS</c>, Linux 4.5+).</exception>
    /// <exception cref="EbpfException">The kernel refused, with its message (e.g. ENODEV: no such device).</exception>
    public static ClsactQdisc Create(int ifIndex, IBpfSyscalls? syscalls = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ifIndex);
        var sys = syscalls ?? LinuxBpfSyscalls.Instance;
        using var netlink = RouteNetlink.Open(sys);
        try
        {
            netlink.Execute(TcRequests.Clsact(RouteMessageNames.NewQdisc, ifIndex), explain: (ack, failure) => (Errno)ack.Errno == Errno.ENOENT
                // The kernel's answer when it has no clsact: "Specified qdisc kind is unknown".
                ? new EbpfNotSupportedException("the clsact qdisc (CONFIG_NET_SCH_INGRESS)", "4.5", Errno.ENOENT, failure)
                : failure);
            return new ClsactQdisc(ifIndex, created: true, sys);
        }
        catch (EbpfException e) when (e.Errno == Errno.EEXIST)
        {
            return new ClsactQdisc(ifIndex, created: false, sys);
        }
    }

    /// <summary>Adds the clsact qdisc to the device named <paramref name="interfaceName"/>, or keeps the one already there.</summary>
    /// <param name="interfaceName">The device, e.g. <c>eth0</c>.</param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    /// <exception cref="ArgumentException">No such device.</exception>
    public static ClsactQdisc Create(string interfaceName, IBpfSyscalls? syscalls = null) =>
        Create(NetworkInterfaceIndex.Of(interfaceName), syscalls);

    /// <summary>The <c>cls_bpf</c> filters on <paramref name="direction"/> (an <c>RTM_GETTFILTER</c> dump), by priority then handle.</summary>
    /// <param name="direction">Ingress or egress.</param>
    public IReadOnlyList<TcFilterInfo> Filters(TcDirection direction)
    {
        ObjectDisposedException.ThrowIf(_destroyed, this);
        return TcClassifier.List(IfIndex, direction, _syscalls);
    }

    /// <summary>Removes the <c>cls_bpf</c> filter with <paramref name="handle"/> and <paramref name="priority"/> (<c>RTM_DELTFILTER</c>), e.g. one left attached.</summary>
    /// <param name="direction">Ingress or egress.</param>
    /// <param name="handle">The filter's handle.</param>
    /// <param name="priority">The filter's priority.</param>
    /// <exception cref="EbpfException">ENOENT: no such filter.</exception>
    public void DetachFilter(TcDirection direction, uint handle, ushort priority)
    {
        ObjectDisposedException.ThrowIf(_destroyed, this);
        TcClassifier.Delete(_syscalls, IfIndex, direction, handle, priority);
    }

    /// <summary>Removes the clsact qdisc and every filter on it (<c>RTM_DELQDISC</c>), whoever made it.</summary>
    /// <exception cref="EbpfException">The kernel refused, e.g. EINVAL or ENOENT when the qdisc is gone already.</exception>
    public void Destroy()
    {
        ObjectDisposedException.ThrowIf(_destroyed, this);
        using var netlink = RouteNetlink.Open(_syscalls);
        netlink.Execute(TcRequests.Clsact(RouteMessageNames.DeleteQdisc, IfIndex));
        _destroyed = true;
    }

    /// <summary>Removes the qdisc when <see cref="Create(int, IBpfSyscalls?)"/> made it (and it is still there); else leaves it.</summary>
    public void Dispose()
    {
        if (_destroyed)
        {
            return;
        }

        try
        {
            if (Created)
            {
                Destroy();
            }
        }
        catch (EbpfException)
        {
            // Removed already, or the device is gone.
        }
        finally
        {
            _destroyed = true;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"clsact qdisc of device {IfIndex}";
}
