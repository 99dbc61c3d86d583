using System.Buffers;
using System.IO.MemoryMappedFiles;

namespace Ebpf.Btf;

/// <summary>
/// A read-only memory-mapped file exposed as <see cref="Memory{T}"/>, so that a <see cref="BtfSpec"/> can index
/// a large BTF file without copying it. The mapping is released only when this object is disposed: there is no
/// finalizer, because a span over the mapping may outlive every reference to this object (CA2015).
/// </summary>
internal sealed unsafe class BtfMappedMemory : MemoryManager<byte>
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly int _length;
    private byte* _pointer;

    private BtfMappedMemory(MemoryMappedFile file, MemoryMappedViewAccessor view, int length)
    {
        _file = file;
        _view = view;
        _length = length;
        byte* p = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        _pointer = p + view.PointerOffset;
    }

    /// <summary>Maps a whole file; returns null when the file cannot be mapped (some sysfs files cannot), so the caller can read it instead.</summary>
    public static BtfMappedMemory? TryOpen(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
        long size = stream.Length;
        if (size == 0 || size > int.MaxValue)
        {
            return null;
        }

        MemoryMappedFile? mapped = null;
        MemoryMappedViewAccessor? accessor = null;
        try
        {
            mapped = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            accessor = mapped.CreateViewAccessor(0, size, MemoryMappedFileAccess.Read);
            return new BtfMappedMemory(mapped, accessor, (int)size);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            accessor?.Dispose();
            mapped?.Dispose();
            return null;
        }
    }

    public override Span<byte> GetSpan()
    {
        ObjectDisposedException.ThrowIf(_pointer == null, this);
        return new Span<byte>(_pointer, _length);
    }

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ObjectDisposedException.ThrowIf(_pointer == null, this);
        ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, _length);
        return new MemoryHandle(_pointer + elementIndex);
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
        if (_pointer != null)
        {
            _pointer = null;
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
        }

        if (disposing)
        {
            _view.Dispose();
            _file.Dispose();
        }
    }
}
