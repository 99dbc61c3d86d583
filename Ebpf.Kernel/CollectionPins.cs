using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>Checks that an existing map (pinned, or given as a replacement) can stand in for a map spec.</summary>
internal static class CollectionPins
{
    // Flags the kernel adds or that do not change the map's shape.
    private const BpfMapFlags Ignored = BpfMapFlags.Mmapable | BpfMapFlags.RdonlyProg | BpfMapFlags.WronlyProg | BpfMapFlags.NoPrealloc;

    /// <summary>Throws when <paramref name="info"/> differs from <paramref name="spec"/> in type, sizes, entries or flags.</summary>
    public static void CheckCompatible(MapSpec spec, MapInfo info, string what)
    {
        var differences = new List<string>();
        if (info.Type != spec.Type)
        {
            differences.Add($"type {info.Type} != {spec.Type}");
        }

        if (info.KeySize != spec.KeySize)
        {
            differences.Add($"key size {info.KeySize} != {spec.KeySize}");
        }

        if (info.ValueSize != spec.ValueSize)
        {
            differences.Add($"value size {info.ValueSize} != {spec.ValueSize}");
        }

        if (info.MaxEntries != spec.MaxEntries && spec.Type is not (BpfMapType.PerfEventArray or BpfMapType.CgroupStorage))
        {
            differences.Add($"max entries {info.MaxEntries} != {spec.MaxEntries}");
        }

        if ((info.MapFlags & ~Ignored) != (spec.Flags & ~Ignored))
        {
            differences.Add($"flags {info.MapFlags} != {spec.Flags}");
        }

        if (differences.Count > 0)
        {
            throw new EbpfException($"map {spec.Name}: the map {what} is incompatible: {string.Join(", ", differences)}");
        }
    }
}
