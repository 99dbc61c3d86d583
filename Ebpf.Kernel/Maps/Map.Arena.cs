using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>Setting up an arena map (<see cref="BpfMapType.Arena"/>, Linux 6.9).</summary>
public sealed partial class Map
{
    /// <summary>
    /// Maps the arena once, as libbpf does before programs load: that fixes its user-space address (at
    /// <see cref="MapSpec.MapExtra"/> when set; the verifier refuses programs of an arena without one) and writes
    /// the <c>__arena</c> globals (<see cref="MapSpec.ArenaData"/>) at its start. The mapping is dropped again; the
    /// arena keeps its pages and its address.
    /// </summary>
    private unsafe void InitializeArena(MapSpec spec)
    {
        long page = Environment.SystemPageSize;
        long length = (long)spec.MaxEntries * page;
        if (length <= 0 || spec.ArenaData.Length > length)
        {
            throw new ArgumentException($"arena {spec.Name} of {spec.MaxEntries} pages cannot hold {spec.ArenaData.Length} bytes of __arena globals", nameof(spec));
        }

        var flags = MmapFlags.Shared | (spec.MapExtra != 0 ? MmapFlags.Fixed : 0);
        nint address = _syscalls.System().Mmap((nint)spec.MapExtra, (nuint)length, MmapProtection.Read | MmapProtection.Write, flags, _fd, 0);
        try
        {
            spec.ArenaData.Span.CopyTo(new Span<byte>((void*)address, spec.ArenaData.Length));
        }
        finally
        {
            _syscalls.System().Munmap(address, (nuint)length);
        }
    }
}
