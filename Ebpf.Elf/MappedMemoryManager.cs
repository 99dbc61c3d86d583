using System.Buffers;
using System.IO.MemoryMappedFiles;

namespace Ebpf.Elf;

/// <summary>Exposes a read-only memory-mapped file as <see cref="Memory{T}"/>; disposing unmaps it.</summary>
internal sealed unsafe class MappedMemoryManager : MemoryManager<byte>
{
    private readonly MemoryMappedFile file;
    private readonly MemoryMappedViewAccessor view;
    private readonly int length;
    private byte* pointer;

    private MappedMemoryManager(MemoryMappedFile file, MemoryMappedViewAccessor view, int length)
    {
        this.file = file;
        this.view = view;
        this.length = length;
        byte* p = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        pointer = p + view.PointerOffset;
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
        ObjectDisposedException.ThrowIf(pointer == null, this);
        return new Span<byte>(pointer, length);
    }

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ObjectDisposedException.ThrowIf(pointer == null, this);
        ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, length);
        return new MemoryHandle(pointer + elementIndex);
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
        if (pointer != null)
        {
            pointer = null;
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }

        if (disposing)
        {
            view.Dispose();
            file.Dispose();
        }
    }
}
