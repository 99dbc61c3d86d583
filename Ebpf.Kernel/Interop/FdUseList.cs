namespace Ebpf.Kernel.Interop;

/// <summary>
/// The several-descriptor form of <see cref="FdUse"/>: holds a reference on each descriptor added until disposed, for
/// a kernel call whose attributes or data carry many numbers (the map descriptors patched into a program's
/// instructions, its <c>fd_array</c>, its attach target). A concurrent dispose of any of them cannot make the call hit
/// a reused number. Not thread-safe: one load owns it.
/// </summary>
internal sealed class FdUseList : IDisposable
{
    private readonly Dictionary<BpfFileDescriptor, uint> _held = new(ReferenceEqualityComparer.Instance);

    /// <summary>Adds a reference on <paramref name="fd"/> (once, however often it is added) and returns its number.</summary>
    /// <exception cref="ObjectDisposedException">The descriptor is closed or being disposed.</exception>
    public uint Add(BpfFileDescriptor fd)
    {
        ArgumentNullException.ThrowIfNull(fd);
        if (_held.TryGetValue(fd, out uint number))
        {
            return number;
        }

        bool added = false;
        fd.DangerousAddRef(ref added);
        if (fd.IsDisposeRequested)
        {
            fd.DangerousRelease();
            throw new ObjectDisposedException(fd.GetType().FullName);
        }

        number = (uint)fd.DangerousGetHandle().ToInt64();
        _held.Add(fd, number);
        return number;
    }

    /// <summary>Releases every reference.</summary>
    public void Dispose()
    {
        foreach (var fd in _held.Keys)
        {
            fd.DangerousRelease();
        }

        _held.Clear();
    }
}
