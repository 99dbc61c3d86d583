using System.CommandLine;
using System.Text.Json;
using Ebpf.Btf;
using Ebpf.Cli.Json;
using Ebpf.Elf;
using Ebpf.Specs;

namespace Ebpf.Cli.Inspect;

/// <summary><c>ebpf inspect FILE [--json]</c>: the programs, maps and global variables of a BPF object.</summary>
public static class InspectCommand
{
    /// <summary>Creates the <c>inspect</c> command.</summary>
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "A clang-built BPF ELF object (.o), either byte order." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of tables." };
        var inspect = new Command("inspect", "Show the programs, maps and variables of a BPF object.") { file, json };
        inspect.SetAction(result => Inspect(result.GetValue(file)!, result.GetValue(json), Console.Out, Console.Error));
        return inspect;
    }

    /// <summary>Reads <paramref name="file"/> and writes its report to <paramref name="output"/>.</summary>
    /// <returns>The process exit code: 0, or 1 when the file cannot be read as a BPF object (the reason goes to <paramref name="error"/>).</returns>
    public static int Inspect(FileInfo file, bool json, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        CollectionSpec spec;
        try
        {
            // What the report shows needs no line or CO-RE records: leaving them out is most of a large object's read.
            spec = CollectionSpec.LoadOutline(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ElfFormatException or BtfFormatException or ElfSpecException or MapDefinitionException)
        {
            error.WriteLine($"ebpf inspect: {file.FullName}: {e.Message}");
            return 1;
        }

        Write(InspectReport.From(spec), json, output);
        return 0;
    }

    /// <summary>Writes a report as tables or as JSON.</summary>
    public static void Write(InspectReport report, bool json, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(report, CliJsonContext.Default.InspectReport));
            return;
        }

        WriteTable(output, "Programs", ["NAME", "SECTION", "TYPE", "ATTACH TYPE", "INSNS", "LINKED"],
            report.Programs.Select(p => new[] { p.Name, p.Section ?? "-", p.Type, p.AttachType ?? "-", p.Instructions.ToString(), p.LinkedInstructions.ToString() }));
        output.WriteLine();
        WriteTable(output, "Maps", ["NAME", "SECTION", "TYPE", "KEY", "VALUE", "MAX ENTRIES", "FLAGS"],
            report.Maps.Select(m => new[] { m.Name, m.Section ?? "-", m.Type, m.KeySize.ToString(), m.ValueSize.ToString(), m.MaxEntries.ToString(), $"0x{m.Flags:x}" }));
        output.WriteLine();
        WriteTable(output, "Variables", ["NAME", "MAP", "SECTION", "OFFSET", "SIZE"],
            report.Variables.Select(v => new[] { v.Name, v.Map, v.Section ?? "-", v.Offset.ToString(), v.Size.ToString() }));
    }

    /// <summary>A title line, then left-aligned columns separated by two spaces; "(none)" when there are no rows.</summary>
    private static void WriteTable(TextWriter output, string title, string[] header, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(header).ToList();
        output.WriteLine($"{title}:");
        if (all.Count == 1)
        {
            output.WriteLine("  (none)");
            return;
        }

        var widths = new int[header.Length];
        foreach (var row in all)
        {
            for (int i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        foreach (var row in all)
        {
            var cells = row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]));
            output.WriteLine("  " + string.Join("  ", cells).TrimEnd());
        }
    }
}
