using System.Buffers;
using System.Runtime.InteropServices;

namespace Ebpf.Btf;

/// <summary>
/// A read-only, private memory mapping of a whole file exposed as <see cref="Memory{T}"/>, so that a
/// <see cref="BtfSpec"/> can index a large BTF file without copying it. Maps with <c>mmap(PROT_READ, MAP_PRIVATE)</c>
/// directly: <c>/sys/kernel/btf/vmlinux</c> refuses shared mappings, which is all <c>MemoryMappedFile</c> makes for
/// read-only access. The mapping is released only when this object is disposed: there is no finalizer, because a
/// span over the mapping may outlive every reference to this object (CA2015).
/// </summary>
internal sealed unsafe partial class BtfMappedMemory : MemoryManager<byte>
{
    private const int ProtRead = 1;
    private const int MapPrivate = 2;

    private readonly int _length;
    private byte* _pointer;

    private BtfMappedMemory(byte* pointer, int length)
    {
        _pointer = pointer;
        _length = length;
    }

    /// <summary>Maps a whole file; returns null when it cannot be mapped, so the caller can read it instead.</summary>
    public static BtfMappedMemory? TryOpen(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long size = RandomAccess.GetLength(handle);
        if (size == 0 || size > int.MaxValue || !OperatingSystem.IsLinux())
        {
            return null;
        }

        nint address = Mmap(0, (nuint)size, ProtRead, MapPrivate, (int)handle.DangerousGetHandle(), 0);
        return address == -1 ? null : new BtfMappedMemory((byte*)address, (int)size);
    }

    /// <summary>
    /// Reads a whole file into a new array by mapping it and copying once: sysfs hands out BTF a page per
    /// <c>read</c>, so this is several times faster than reading it. Falls back to reading when mapping fails.
    /// </summary>
    public static byte[] ReadAllBytes(string path)
    {
        using var mapped = TryOpen(path);
        if (mapped is null)
        {
            return File.ReadAllBytes(path);
        }

        var span = mapped.GetSpan();
        var bytes = GC.AllocateUninitializedArray<byte>(span.Length);
        span.CopyTo(bytes);
        return bytes;
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
            _ = Munmap((nint)_pointer, (nuint)_length);
            _pointer = null;
        }
    }

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(nint address, nuint length);
}
