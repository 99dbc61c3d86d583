namespace Ebpf.Kernel;

/// <summary>
/// Holds a reference on a <see cref="BpfFileDescriptor"/> for the length of a kernel call, so a concurrent
/// dispose cannot close (and the process reuse) the number while the kernel reads it.
/// </summary>
internal readonly ref struct FdUse
{
    private readonly BpfFileDescriptor _fd;

    /// <summary>Adds a reference.</summary>
    /// <exception cref="ObjectDisposedException">The descriptor is closed.</exception>
    public FdUse(BpfFileDescriptor fd)
    {
        bool added = false;
        fd.DangerousAddRef(ref added);
        _fd = fd;
        Fd = (uint)fd.DangerousGetHandle().ToInt64();
    }

    /// <summary>The descriptor number, for an attribute struct.</summary>
    public uint Fd { get; }

    /// <summary>Releases the reference.</summary>
    public void Dispose() => _fd.DangerousRelease();
}
