using System.Runtime.CompilerServices;

namespace Ebpf.Kernel.Interop;

/// <summary>
/// Holds a reference on a <see cref="BpfFileDescriptor"/> for the length of a kernel call, so a concurrent
/// dispose cannot close (and the process reuse) the number while the kernel reads it. A use that starts after
/// Dispose fails even while earlier uses still hold the descriptor open: SafeHandle alone would accept new
/// references until the count drops to zero, which busy threads can postpone indefinitely.
/// <para>
/// Use it for every raw descriptor number an attribute struct carries: <c>using var use = new FdUse(fd);</c> then
/// <c>attr.ProgFd = use.Fd</c>. The <c>default</c> value holds nothing, has <see cref="Fd"/> 0 and disposes to nothing
/// (for an optional descriptor).
/// </para>
/// </summary>
internal readonly ref struct FdUse
{
    private readonly BpfFileDescriptor _fd;

    /// <summary>Adds a reference.</summary>
    /// <exception cref="ObjectDisposedException">The descriptor is closed or being disposed.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public FdUse(BpfFileDescriptor fd)
    {
        ArgumentNullException.ThrowIfNull(fd);
        bool added = false;
        fd.DangerousAddRef(ref added);
        if (fd.IsDisposeRequested)
        {
            ReleaseAndThrow(fd);
        }

        _fd = fd;
        Fd = (uint)fd.DangerousGetHandle().ToInt64();
    }

    /// <summary>The descriptor number, for an attribute struct (0 for the <c>default</c> value).</summary>
    public uint Fd { get; }

    /// <summary>A use of <paramref name="fd"/>, or one that holds nothing (<see cref="Fd"/> 0) when it is null.</summary>
    /// <exception cref="ObjectDisposedException">The descriptor is closed or being disposed.</exception>
    public static FdUse Optional(BpfFileDescriptor? fd) => fd is null ? default : new FdUse(fd);

    /// <summary>Releases the reference.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Dispose() => _fd?.DangerousRelease();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ReleaseAndThrow(BpfFileDescriptor fd)
    {
        fd.DangerousRelease();
        throw new ObjectDisposedException(fd.GetType().FullName);
    }
}
