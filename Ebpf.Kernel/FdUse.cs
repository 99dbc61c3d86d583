using System.Runtime.CompilerServices;

namespace Ebpf.Kernel;

/// <summary>
/// Holds a reference on a <see cref="BpfFileDescriptor"/> for the length of a kernel call, so a concurrent
/// dispose cannot close (and the process reuse) the number while the kernel reads it. A use that starts after
/// Dispose fails even while earlier uses still hold the descriptor open: SafeHandle alone would accept new
/// references until the count drops to zero, which busy threads can postpone indefinitely.
/// </summary>
internal readonly ref struct FdUse
{
    private readonly BpfFileDescriptor _fd;

    /// <summary>Adds a reference.</summary>
    /// <exception cref="ObjectDisposedException">The descriptor is closed or being disposed.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public FdUse(BpfFileDescriptor fd)
    {
        bool added = false;
        fd.DangerousAddRef(ref added);
        if (fd.IsDisposeRequested)
        {
            ReleaseAndThrow(fd);
        }

        _fd = fd;
        Fd = (uint)fd.DangerousGetHandle().ToInt64();
    }

    /// <summary>The descriptor number, for an attribute struct.</summary>
    public uint Fd { get; }

    /// <summary>Releases the reference.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Dispose() => _fd.DangerousRelease();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ReleaseAndThrow(BpfFileDescriptor fd)
    {
        fd.DangerousRelease();
        throw new ObjectDisposedException(fd.GetType().FullName);
    }
}
