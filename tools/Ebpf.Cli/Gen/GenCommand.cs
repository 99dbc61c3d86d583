using System.CommandLine;
using Ebpf.Btf;
using Ebpf.Elf;
using Ebpf.Specs;
using Ebpf.Specs.CSharp;

namespace Ebpf.Cli.Gen;

/// <summary>
/// <c>ebpf gen csharp FILE.o [--class NAME] [--namespace NS] [--type T ...] [--embedded] [--links] [-o OUT.cs]</c>: the typed
/// class the Ebpf.Generators source generator writes for a <c>&lt;BpfProgram&gt;</c>, for projects built without it.
/// </summary>
public static class GenCommand
{
    /// <summary>Creates the <c>gen</c> command with its <c>csharp</c> subcommand.</summary>
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "A clang-built BPF ELF object (.o), either byte order." };
        var className = new Option<string?>("--class") { Description = "The class name (default: PascalCase of the object's base name + Objects)." };
        var ns = new Option<string?>("--namespace") { Description = "The namespace (default: the global namespace)." };
        var types = new Option<string[]>("--type") { Description = "A BTF type to write as a C# type besides map keys and values (repeatable).", AllowMultipleArgumentsPerToken = true };
        var embedded = new Option<bool>("--embedded") { Description = "Load the objects from this assembly's resources NAME.bpfel.o / NAME.bpfeb.o instead of bpf/ beside the application." };
        var links = new Option<bool>("--links") { Description = "Add AttachAll() (needs a reference to Ebpf.Links, as the source generator adds it when there is one)." };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "The file to write (default: standard output)." };
        var csharp = new Command("csharp", "Write a typed C# class (maps, programs, variables, structs) for a BPF object.")
        {
            file, className, ns, types, embedded, links, output,
        };
        csharp.SetAction(result =>
        {
            var options = new TypedObjectOptions
            {
                ObjectName = TypedObjectOptions.ObjectNameOf(result.GetValue(file)!.Name),
                ClassName = result.GetValue(className) ?? string.Empty,
                Namespace = result.GetValue(ns) ?? string.Empty,
                Types = result.GetValue(types) ?? [],
                Embedded = result.GetValue(embedded),
                WithLinks = result.GetValue(links),
            };
            return Generate(result.GetValue(file)!, options, result.GetValue(output), Console.Out, Console.Error);
        });
        return new Command("gen", "Generate code from BPF objects.") { csharp };
    }

    /// <summary>Reads <paramref name="file"/> and writes its class to <paramref name="outputFile"/>, or to <paramref name="output"/> when null.</summary>
    /// <returns>0; 1 when the object cannot be read or written (the reason goes to <paramref name="error"/>); 2 when a requested type was not written (the class is still written).</returns>
    public static int Generate(FileInfo file, TypedObjectOptions options, FileInfo? outputFile, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        string source;
        TypedObjectWriter writer;
        try
        {
            var spec = CollectionSpec.Load(file.FullName);
            writer = new TypedObjectWriter(spec, options);
            source = writer.Write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ElfFormatException or BtfFormatException or ElfSpecException or MapDefinitionException or NotSupportedException)
        {
            error.WriteLine($"ebpf gen csharp: {file.FullName}: {e.Message}");
            return 1;
        }

        foreach (var (type, reason) in writer.Skipped)
        {
            error.WriteLine($"ebpf gen csharp: type '{type}' is not written: {reason}");
        }

        if (outputFile is null)
        {
            output.Write(source);
        }
        else
        {
            try
            {
                File.WriteAllText(outputFile.FullName, source);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"ebpf gen csharp: cannot write {outputFile.FullName}: {e.Message}");
                return 1;
            }
        }

        return writer.Skipped.Count > 0 ? 2 : 0;
    }
}
