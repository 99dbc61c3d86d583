using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Links;

/// <summary>
/// An XDP program attached to a device through rtnetlink (<c>IFLA_XDP</c>; libbpf's <c>bpf_xdp_attach</c>, the way
/// before XDP links, Linux 5.9), made by
/// <see cref="NetworkAttachExtensions.AttachXdpNetlink(Program, int, XdpAttachFlags, Program?)"/>. Disposing detaches the
/// program unless <see cref="LeaveAttached"/> was called, and only while it is still the device's program in that mode
/// (<c>XDP_FLAGS_REPLACE</c>, 5.7+). There is no <c>bpf_link</c>: <see cref="Link.Pin"/> and <see cref="Link.Info"/>
/// are not available, <see cref="Query(int, IBpfSyscalls?)"/> reads the device instead.
/// </summary>
public sealed class XdpAttachment : Link
{
    private BpfFileDescriptor _program;
    private bool _detached;
    private bool _leftAttached;

    private XdpAttachment(BpfFileDescriptor program, int ifIndex, XdpAttachFlags mode, IBpfSyscalls syscalls)
        : base(syscalls)
    {
        _program = program;
        IfIndex = ifIndex;
        Mode = mode;
    }

    /// <summary>The device's interface index.</summary>
    public int IfIndex { get; }

    /// <summary>The mode asked for; <see cref="XdpAttachFlags.None"/> when the kernel chose.</summary>
    public XdpAttachFlags Mode { get; }

    /// <summary>Reads the XDP programs of device <paramref name="ifIndex"/> (<c>RTM_GETLINK</c>), whichever way they were attached.</summary>
    /// <param name="ifIndex">The interface index.</param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    /// <exception cref="EbpfException">ENODEV: no such device.</exception>
    public static XdpDeviceInfo Query(int ifIndex, IBpfSyscalls? syscalls = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ifIndex);
        XdpDeviceInfo? found = null;
        using (var netlink = RouteNetlink.Open(syscalls ?? LinuxBpfSyscalls.Instance))
        {
            netlink.Execute(XdpRequests.Get(ifIndex), reply => found ??= XdpRequests.Read(reply));
        }

        return found ?? new XdpDeviceInfo { IfIndex = ifIndex };
    }

    /// <summary>
    /// Detaches whatever XDP program device <paramref name="ifIndex"/> has in <paramref name="mode"/>
    /// (<c>IFLA_XDP_FD</c> -1), e.g. one left attached. Programs attached with a <c>bpf_link</c> stay (EBUSY).
    /// </summary>
    /// <param name="ifIndex">The interface index.</param>
    /// <param name="mode">The mode the program was attached in; <see cref="XdpAttachFlags.None"/> for the default.</param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    public static void DetachFromDevice(int ifIndex, XdpAttachFlags mode, IBpfSyscalls? syscalls = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ifIndex);
        using var netlink = RouteNetlink.Open(syscalls ?? LinuxBpfSyscalls.Instance);
        netlink.Execute(XdpRequests.Set(ifIndex, -1, (uint)mode, -1));
    }

    /// <summary>Attaches with <c>RTM_SETLINK</c>: exclusively, or in place of <paramref name="replacing"/>.</summary>
    internal static XdpAttachment Attach(Program program, int ifIndex, XdpAttachFlags mode, Program? replacing)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ifIndex);
        using var netlink = RouteNetlink.Open(program.Syscalls);
        using (var programUse = new FdUse(program.FileDescriptor))
        using (var expectedUse = FdUse.Optional(replacing?.FileDescriptor))
        {
            uint flags = (uint)mode | (replacing is null ? XdpRequests.FlagUpdateIfNoExist : XdpRequests.FlagReplace);
            netlink.Execute(XdpRequests.Set(ifIndex, (int)programUse.Fd, flags, replacing is null ? -1 : (int)expectedUse.Fd), explain: Explain);
        }

        return new XdpAttachment(program.FileDescriptor.Dup(), ifIndex, mode, program.Syscalls);
    }

    /// <summary>Replaces the program atomically, only while this one is attached (<c>XDP_FLAGS_REPLACE</c> with <c>IFLA_XDP_EXPECTED_FD</c>, 5.7+).</summary>
    /// <param name="newProgram">An XDP program.</param>
    public override void Update(BpfFileDescriptor newProgram)
    {
        ArgumentNullException.ThrowIfNull(newProgram);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        using (var netlink = RouteNetlink.Open(Syscalls))
        using (var newUse = new FdUse(newProgram))
        using (var oldUse = new FdUse(_program))
        {
            netlink.Execute(XdpRequests.Set(IfIndex, (int)newUse.Fd, (uint)Mode | XdpRequests.FlagReplace, (int)oldUse.Fd), explain: Explain);
        }

        var old = _program;
        _program = newProgram.Dup();
        old.Dispose();
        _detached = false;
    }

    /// <summary>Leaves the program attached when this object is disposed; remove it later with <see cref="DetachFromDevice"/>.</summary>
    public void LeaveAttached() => _leftAttached = true;

    /// <summary>
    /// Detaches the program now, if it is still the device's program in <see cref="Mode"/>: <c>XDP_FLAGS_REPLACE</c>
    /// with this program expected (5.7+); before 5.7 the device is read first and the program detached when it is this one.
    /// Nothing when this object detached it already.
    /// </summary>
    /// <exception cref="EbpfException">EEXIST: another program replaced this one.</exception>
    public override void Detach()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (!_detached)
        {
            DetachProgram();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"XdpAttachment (device {IfIndex}, {Mode})";

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            try
            {
                if (!_detached && !_leftAttached)
                {
                    DetachProgram();
                }
            }
            catch (EbpfException)
            {
                // Detached or replaced already, or the device is gone.
            }
            finally
            {
                _detached = true;
                _program.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>EBUSY names its usual cause; the rest as the kernel said it.</summary>
    private static Exception Explain(NetlinkAck ack, EbpfException failure) =>
        (Errno)ack.Errno == Errno.EBUSY && ack.Message is null
            ? new EbpfException(failure.Operation, Errno.EBUSY, "another XDP program is attached to the device (detach it, or pass it to replace)")
            : failure;

    /// <summary>Detaches with this program expected, or before 5.7 after reading that it is still attached.</summary>
    private void DetachProgram()
    {
        try
        {
            using var netlink = RouteNetlink.Open(Syscalls);
            using var programUse = new FdUse(_program);
            netlink.Execute(XdpRequests.Set(IfIndex, -1, (uint)Mode | XdpRequests.FlagReplace, (int)programUse.Fd));
        }
        catch (EbpfException e) when (e.Errno == Errno.EINVAL)
        {
            // Kernels before 5.7 refuse XDP_FLAGS_REPLACE.
            DetachIfStillAttached();
        }

        _detached = true;
    }

    /// <summary>Without <c>XDP_FLAGS_REPLACE</c> (before 5.7): detaches after reading that this program is still the one attached.</summary>
    private void DetachIfStillAttached()
    {
        uint id = Program.QueryInfo(Syscalls, _program).Id;
        if (Query(IfIndex, Syscalls).ProgramIdOf(Mode) == id)
        {
            DetachFromDevice(IfIndex, Mode, Syscalls);
        }
    }
}
