using Microsoft.CodeAnalysis;

namespace Ebpf.Generators;

/// <summary>The diagnostics the generator reports instead of failing the compiler.</summary>
internal static class GeneratorDiagnostics
{
    /// <summary>EBPF001: the object cannot be read.</summary>
    public static readonly DiagnosticDescriptor UnreadableObject = new(
        "EBPF001",
        "BPF object cannot be read",
        "cannot read {0}: {1}",
        "Ebpf.Generators",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <summary>EBPF002: a type named in the Types metadata is not in the object's BTF, or has no C# layout.</summary>
    public static readonly DiagnosticDescriptor TypeNotWritten = new(
        "EBPF002",
        "BPF type not written",
        "type '{0}' of {1} is not written as C#: {2}",
        "Ebpf.Generators",
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true);

    /// <summary>EBPF003: the object was read but its class could not be written.</summary>
    public static readonly DiagnosticDescriptor UnwritableObject = new(
        "EBPF003",
        "BPF object bindings not written",
        "cannot write the class for {0}: {1}",
        "Ebpf.Generators",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);
}
