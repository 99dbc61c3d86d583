namespace Ebpf.Asm;

public static partial class HelperNames
{
    /// <summary>
    /// The kernel name of <paramref name="helper"/> (<c>bpf_map_lookup_elem</c>), or null for an id
    /// this build does not know.
    /// </summary>
    public static string? GetName(this Helper helper)
    {
        int id = (int)helper;
        return (uint)id < (uint)Names.Length && Names[id].Length != 0 ? Names[id] : null;
    }

    /// <summary>Finds a helper by its kernel name, with or without the <c>bpf_</c> prefix.</summary>
    public static bool TryParse(string name, out Helper helper)
    {
        string full = name.StartsWith("bpf_", StringComparison.Ordinal) ? name : "bpf_" + name;
        int index = Array.IndexOf(Names, full);
        helper = (Helper)Math.Max(index, 0);
        return index > 0;
    }
}
