using System.Buffers;
using System.IO.MemoryMappedFiles;

namespace Ebpf.Elf;

/// <summary>Exposes a read-only memory-mapped file as <see cref="Memory{T}"/>; disposing unmaps it.</summary>
internal sealed unsafe class MappedMemoryManager : MemoryManager<byte>
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly int _length;
    private byte* _pointer;

    private MappedMemoryManager(MemoryMappedFile file, MemoryMappedViewAccessor view, int length)
    {
        this._file = file;
        this._view = view;
        this._length = length;
        byte* p = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        _pointer = p + view.PointerOffset;
    }

    public static MappedMemoryManager Open(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var size = stream.Length;
        if (size == 0)
        {
            throw new ElfFormatException($"'{path}' is empty", 0);
        }

        if (size > int.MaxValue)
        {
            throw new NotSupportedException($"'{path}' is {size} bytes; files of 2 GiB or more are not supported");
        }

        var mapped = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        MemoryMappedViewAccessor? accessor = null;
        try
        {
            accessor = mapped.CreateViewAccessor(0, size, MemoryMappedFileAccess.Read);
            return new MappedMemoryManager(mapped, accessor, (int)size);
        }
        catch
        {
            accessor?.Dispose();
            mapped.Dispose();
            throw;
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
