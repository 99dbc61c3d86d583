using Microsoft.CodeAnalysis.Diagnostics;

namespace Ebpf.Generators;

/// <summary>One object to write bindings for, with the MSBuild metadata of its AdditionalFiles item.</summary>
/// <param name="Path">Full path of the host byte order object (X.bpfel.o on little-endian build machines).</param>
/// <param name="ObjectName">The object's base name: <c>execsnoop</c> for execsnoop.bpf.c.</param>
/// <param name="ClassName">The generated class's name.</param>
/// <param name="Namespace">The generated class's namespace, or empty for the global namespace.</param>
/// <param name="Types">';'-separated BTF type names to write as C# types besides map keys and values.</param>
/// <param name="Embedded">Whether the objects are embedded resources (else they are read from bpf/ beside the assembly).</param>
/// <param name="Stamp">The object's last write time, so an IDE regenerates when it is rebuilt.</param>
internal sealed record BindingRequest(string Path, string ObjectName, string ClassName, string Namespace, string Types, bool Embedded, long Stamp)
{
    private const string Prefix = "build_metadata.AdditionalFiles.";

    /// <summary>The request for an additional file, or null when it is not a BPF object the build asked bindings for.</summary>
    public static BindingRequest? From(string path, AnalyzerConfigOptions options)
    {
        if (!options.TryGetValue(Prefix + "EbpfObject", out var isObject) || !string.Equals(isObject, "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string file = System.IO.Path.GetFileName(path);
        string objectName = file.EndsWith(".bpfel.o", StringComparison.Ordinal) || file.EndsWith(".bpfeb.o", StringComparison.Ordinal)
            ? file[..^".bpfel.o".Length]
            : System.IO.Path.GetFileNameWithoutExtension(file);
        string className = Value(options, "EbpfClassName") is { Length: > 0 } c ? c : Ebpf.Btf.CSharp.CSharpNames.PascalCase(objectName) + "Objects";
        long stamp;
        try
        {
            stamp = File.GetLastWriteTimeUtc(path).Ticks;
        }
        catch (IOException)
        {
            stamp = 0;
        }
        catch (UnauthorizedAccessException)
        {
            stamp = 0;
        }

        return new BindingRequest(
            path,
            objectName,
            className,
            Value(options, "EbpfNamespace"),
            Value(options, "EbpfTypes"),
            !string.Equals(Value(options, "EbpfEmbed"), "false", StringComparison.OrdinalIgnoreCase),
            stamp);
    }

    /// <summary>The names in <see cref="Types"/>.</summary>
    public IReadOnlyList<string> TypeNames() =>
        Types.Split([';', ',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The writer's options for this request.</summary>
    public Ebpf.Specs.CSharp.TypedObjectOptions ToOptions() => new()
    {
        ObjectName = ObjectName,
        ClassName = ClassName,
        Namespace = Namespace,
        Types = TypeNames(),
        Embedded = Embedded,
    };

    private static string Value(AnalyzerConfigOptions options, string name) =>
        options.TryGetValue(Prefix + name, out var value) ? value.Trim() : string.Empty;
}
