using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>Mapping an array's values into memory.</summary>
public sealed partial class Map
{
    /// <summary>
    /// Maps the values of an array created with <see cref="BpfMapFlags.Mmapable"/> (Linux 5.5) into this process.
    /// A frozen map, or one created with <see cref="BpfMapFlags.Rdonly"/> for programs' writes only, can only be mapped read-only.
    /// </summary>
    /// <param name="writable">True to map for writing.</param>
    /// <exception cref="InvalidOperationException">The map is not an mmap-able array.</exception>
    /// <exception cref="EbpfPermissionException">Writable mapping of a frozen map.</exception>
    public MapMemory Memory(bool writable = true)
    {
        if (Type != BpfMapType.Array || (Flags & BpfMapFlags.Mmapable) == 0)
        {
            throw new InvalidOperationException($"map {Name} ({Type}, flags {Flags}) is not an array created with BPF_F_MMAPABLE");
        }

        int elementSize = (int)RoundUp8(ValueSize);
        long length = (long)elementSize * MaxEntries;
        if (length > int.MaxValue)
        {
            throw new InvalidOperationException($"map {Name} holds {length} bytes, more than a span can address");
        }

        long page = Environment.SystemPageSize;
        nuint mapped = (nuint)((length + page - 1) / page * page);
        var protection = writable ? MmapProtection.Read | MmapProtection.Write : MmapProtection.Read;
        nint address = _syscalls.System().Mmap(0, mapped, protection, MmapFlags.Shared, _fd, 0);
        return new MapMemory(_syscalls, address, mapped, (int)length, elementSize, writable);
    }
}
