namespace Ebpf.Specs.CSharp;

/// <summary>What <see cref="TypedObjectWriter"/> writes for one object: names, extra types, where it is loaded from.</summary>
public sealed record TypedObjectOptions
{
    /// <summary>The object's base name: <c>execsnoop</c> for execsnoop.bpf.c (resources are OBJECT.bpfel.o / .bpfeb.o).</summary>
    public required string ObjectName { get; init; }

    /// <summary>The generated class's name; empty: PascalCase of <see cref="ObjectName"/> + <c>Objects</c>.</summary>
    public string ClassName { get; init; } = string.Empty;

    /// <summary>The generated class's namespace, or empty for the global namespace.</summary>
    public string Namespace { get; init; } = string.Empty;

    /// <summary>
    /// BTF type names to write as C# types besides map keys and values (ring buffer events, ...). An entry
    /// <c>MAP:TYPE</c> also names TYPE as the event type of the ring buffer or perf event array MAP: the class then
    /// gains <c>OpenMapReader()</c> and <c>ReadMapAsync()</c> for it (as for a map whose event type the object's BTF
    /// names with a global <c>TYPE *ebpf_event__MAP</c>).
    /// </summary>
    public IReadOnlyList<string> Types { get; init; } = [];

    /// <summary>Whether the objects are embedded resources (true) or read from bpf/ beside the application.</summary>
    public bool Embedded { get; init; } = true;

    /// <summary>
    /// Whether the consuming project references <c>Ebpf.Links</c>: then the class gains <c>AttachAll()</c> (every
    /// program whose section names its target, as a libbpf skeleton's <c>__attach</c>). The source generator sets it
    /// from the compilation's references.
    /// </summary>
    public bool WithLinks { get; init; }

    /// <summary>The object's base name for a file name: <c>execsnoop</c> for execsnoop.bpfel.o, x.bpf.o or x.o.</summary>
    public static string ObjectNameOf(string path)
    {
        string file = Path.GetFileName(path);
        foreach (string suffix in (ReadOnlySpan<string>)[".bpfel.o", ".bpfeb.o", ".bpf.o", ".o"])
        {
            if (file.EndsWith(suffix, StringComparison.Ordinal) && file.Length > suffix.Length)
            {
                return file[..^suffix.Length];
            }
        }

        return Path.GetFileNameWithoutExtension(file);
    }

    /// <summary><see cref="ClassName"/>, or its default from <see cref="ObjectName"/>.</summary>
    public string ResolvedClassName =>
        ClassName.Length > 0 ? ClassName : Btf.CSharp.CSharpNames.PascalCase(ObjectName) + "Objects";
}
