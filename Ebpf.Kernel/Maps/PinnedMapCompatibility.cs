using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// The one rule for whether an existing map (pinned, or given as a replacement) can stand in for a map spec, used by
/// <see cref="Collection.Load"/> and <see cref="Map.Create"/> with <see cref="MapCreateOptions.PinDirectory"/> alike:
/// same type, key and value size, max entries (except perf event arrays and cgroup storage, which the kernel sizes)
/// and flags (except those the kernel adds or that do not change the map's shape). A struct_ops map must also
/// implement the same kernel struct_ops type.
/// </summary>
internal static class PinnedMapCompatibility
{
    // Flags the kernel adds or that do not change the map's shape.
    private const BpfMapFlags Ignored = BpfMapFlags.Mmapable | BpfMapFlags.RdonlyProg | BpfMapFlags.WronlyProg | BpfMapFlags.NoPrealloc;

    /// <summary>Throws when <paramref name="info"/> differs from <paramref name="spec"/> in type, sizes, entries or flags.</summary>
    public static void CheckCompatible(MapSpec spec, MapInfo info, string what)
    {
        var differences = Differences(spec, info);
        if (differences.Count > 0)
        {
            throw Incompatible(spec, what, differences);
        }
    }

    /// <summary>
    /// Throws when the struct_ops map <paramref name="info"/> cannot stand in for <paramref name="spec"/>: it must
    /// implement <paramref name="target"/>'s kernel type (<c>btf_vmlinux_value_type_id</c>) with the kernel's value
    /// size, one entry and the spec's flags.
    /// </summary>
    public static void CheckStructOpsCompatible(MapSpec spec, StructOpsTarget target, MapInfo info, string what)
    {
        var differences = Differences(spec with { KeySize = 4, ValueSize = target.ValueSize, MaxEntries = 1 }, info);
        if (info.BtfVmlinuxValueTypeId != target.WrapperId)
        {
            differences.Add($"struct_ops kernel type id {info.BtfVmlinuxValueTypeId} != {target.WrapperId} ({target.TypeName})");
        }

        if (differences.Count > 0)
        {
            throw Incompatible(spec, what, differences);
        }
    }

    private static EbpfException Incompatible(MapSpec spec, string what, List<string> differences) =>
        (EbpfException)FailureSubject.Name(new EbpfException($"the map {what} is incompatible: {string.Join(", ", differences)}"), FailureSubject.Of(spec));

    private static List<string> Differences(MapSpec spec, MapInfo info)
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

        return differences;
    }
}
