using Ebpf.Specs;
using Microsoft.CodeAnalysis;

namespace Ebpf.Generators;

/// <summary>
/// Writes a typed class for every BPF object the build passes as an AdditionalFiles item with <c>EbpfObject=true</c>
/// metadata (build/Ebpf.Bpf.targets does it for each <c>&lt;BpfProgram&gt;</c>): one property per map and program,
/// typed variables, and C# structs for map keys, values and the types named in the <c>Types</c> metadata.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class BpfObjectGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var requests = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select((pair, _) => BindingRequest.From(pair.Left.Path, pair.Right.GetOptions(pair.Left)))
            .Where(request => request is not null);
        var references = context.CompilationProvider
            .Select((compilation, _) => (
                Kernel: compilation.GetTypeByMetadataName("Ebpf.Kernel.Collection") is not null,
                Links: compilation.GetTypeByMetadataName("Ebpf.Links.SectionAttachExtensions") is not null));
        context.RegisterSourceOutput(requests.Combine(references), (output, pair) =>
        {
            if (pair.Right.Kernel)
            {
                Generate(output, pair.Left!, pair.Right.Links); // the class loads through Ebpf.Kernel: a project without it gets none
            }
        });
    }

    private static void Generate(SourceProductionContext output, BindingRequest request, bool withLinks)
    {
        CollectionSpec spec;
        try
        {
            spec = CollectionSpec.Load(File.ReadAllBytes(request.Path).AsMemory());
        }
#pragma warning disable CA1031 // a broken object is reported as a diagnostic, never as a compiler crash
        catch (Exception e)
#pragma warning restore CA1031
        {
            output.ReportDiagnostic(Diagnostic.Create(GeneratorDiagnostics.UnreadableObject, Location.None, System.IO.Path.GetFileName(request.Path), e.Message));
            return;
        }

        string source;
        Ebpf.Specs.CSharp.TypedObjectWriter writer;
        try
        {
            writer = new Ebpf.Specs.CSharp.TypedObjectWriter(spec, request.ToOptions() with { WithLinks = withLinks });
            source = writer.Write();
        }
#pragma warning disable CA1031 // an object the writer cannot handle is reported, never a compiler crash
        catch (Exception e)
#pragma warning restore CA1031
        {
            output.ReportDiagnostic(Diagnostic.Create(GeneratorDiagnostics.UnwritableObject, Location.None, System.IO.Path.GetFileName(request.Path), e.Message));
            return;
        }

        foreach (var (type, reason) in writer.Skipped)
        {
            output.ReportDiagnostic(Diagnostic.Create(GeneratorDiagnostics.TypeNotWritten, Location.None, type, System.IO.Path.GetFileName(request.Path), reason));
        }

        output.AddSource(request.ClassName + ".g.cs", source);
    }
}
