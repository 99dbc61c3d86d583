using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Ebpf.Kernel;
using Ebpf.Specs;
using Ebpf.Kernel.Interop;

namespace Ebpf.Cli.Prog;

/// <summary>
/// <c>ebpf prog list|show ID [--json]</c>: the programs loaded in the kernel, as <c>bpftool prog show</c> prints them
/// (names the kernel truncated to 15 characters in full, from the program's BTF).
/// </summary>
public static class ProgCommand
{
    /// <summary>Creates the <c>prog</c> command group.</summary>
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON (bpftool's field names) instead of text." };
        var list = new Command("list", "List the programs loaded in the kernel.") { json };
        list.SetAction(result => List(LinuxBpfSyscalls.Instance, result.GetValue(json), Console.Out, Console.Error));
        var id = new Argument<uint>("ID") { Description = "The program id." };
        var show = new Command("show", "Show one loaded program.") { id, json };
        show.SetAction(result => Show(LinuxBpfSyscalls.Instance, result.GetValue(id), result.GetValue(json), Console.Out, Console.Error));
        return new Command("prog", "Inspect loaded BPF programs.") { list, show };
    }

    /// <summary>Writes every loaded program.</summary>
    /// <returns>The process exit code.</returns>
    public static int List(IBpfSyscalls syscalls, bool json, TextWriter output, TextWriter error)
    {
        var infos = new List<(ProgramInfo Info, string Name)>();
        foreach (uint id in Program.LoadedIds(syscalls))
        {
            try
            {
                using var program = Program.OpenById(id, syscalls);
                infos.Add((program.Info(), program.FullName()));
            }
            catch (EbpfException e) when (e.Errno == Errno.ENOENT)
            {
                // unloaded since it was listed
            }
        }

        if (json)
        {
            WriteJson(output, infos, array: true);
        }
        else
        {
            foreach (var (info, name) in infos)
            {
                WriteText(output, info, name);
            }
        }

        return 0;
    }

    /// <summary>Writes one loaded program.</summary>
    /// <returns>The process exit code: 0, or 1 when no program has the id.</returns>
    public static int Show(IBpfSyscalls syscalls, uint id, bool json, TextWriter output, TextWriter error)
    {
        ProgramInfo info;
        string name;
        try
        {
            using var program = Program.OpenById(id, syscalls);
            info = program.Info();
            name = program.FullName();
        }
        catch (EbpfException e)
        {
            error.WriteLine($"Error: get by id ({id}): {EbpfException.Describe(e.Errno)}");
            return 1;
        }

        if (json)
        {
            WriteJson(output, [(info, name)], array: false);
        }
        else
        {
            WriteText(output, info, name);
        }

        return 0;
    }

    /// <summary>bpftool's name of a program type: the C name without <c>BPF_PROG_TYPE_</c>, in lower case.</summary>
    public static string TypeName(BpfProgramType type)
    {
        const string prefix = "BPF_PROG_TYPE_";
        string name = KernelNames.Of(type);
        return (name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : name).ToLowerInvariant();
    }

    // name: the full name (Program.FullName), as bpftool prints it.
    private static void WriteText(TextWriter output, ProgramInfo info, string name)
    {
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"{info.Id}: {TypeName(info.Type)}  ");
        if (name.Length > 0)
        {
            line.Append(CultureInfo.InvariantCulture, $"name {name}  ");
        }

        line.Append(CultureInfo.InvariantCulture, $"tag {info.Tag}");
        if (info.GplCompatible)
        {
            line.Append("  gpl");
        }

        if (info.RunCount > 0)
        {
            line.Append(CultureInfo.InvariantCulture, $" run_time_ns {info.RunTimeNanoseconds} run_cnt {info.RunCount}");
        }

        if (info.RecursionMisses > 0)
        {
            line.Append(CultureInfo.InvariantCulture, $" recursion_misses {info.RecursionMisses}");
        }

        output.WriteLine(line.ToString());
        var local = info.LoadedAt.ToLocalTime();
        string offset = local.ToString("zzz", CultureInfo.InvariantCulture).Replace(":", string.Empty, StringComparison.Ordinal);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\tloaded_at {local:yyyy-MM-ddTHH:mm:ss}{offset}  uid {info.CreatedByUid}"));
        line.Clear().Append(CultureInfo.InvariantCulture, $"\txlated {info.XlatedSize}B  ");
        line.Append(info.Jited ? string.Create(CultureInfo.InvariantCulture, $"jited {info.JitedSize}B") : "not jited");
        if (info.MemlockBytes is { } memlock)
        {
            line.Append(CultureInfo.InvariantCulture, $"  memlock {memlock}B");
        }

        if (info.MapIds.Count > 0)
        {
            line.Append("  map_ids ").AppendJoin(',', info.MapIds);
        }

        output.WriteLine(line.ToString());
        if (info.BtfId != 0)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\tbtf_id {info.BtfId}"));
        }
    }

    private static void WriteJson(TextWriter output, IReadOnlyList<(ProgramInfo Info, string Name)> infos, bool array)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            if (array)
            {
                json.WriteStartArray();
            }

            foreach (var (info, name) in infos)
            {
                WriteJson(json, info, name);
            }

            if (array)
            {
                json.WriteEndArray();
            }
        }

        output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteJson(Utf8JsonWriter json, ProgramInfo info, string name)
    {
        json.WriteStartObject();
        json.WriteNumber("id", info.Id);
        json.WriteString("type", TypeName(info.Type));
        if (name.Length > 0)
        {
            json.WriteString("name", name);
        }

        json.WriteString("tag", info.Tag);
        json.WriteBoolean("gpl_compatible", info.GplCompatible);
        if (info.RunCount > 0)
        {
            json.WriteNumber("run_time_ns", info.RunTimeNanoseconds);
            json.WriteNumber("run_cnt", info.RunCount);
        }

        if (info.RecursionMisses > 0)
        {
            json.WriteNumber("recursion_misses", info.RecursionMisses);
        }

        json.WriteNumber("loaded_at", info.LoadedAt.ToUnixTimeSeconds());
        json.WriteNumber("uid", info.CreatedByUid);
        json.WriteNumber("bytes_xlated", info.XlatedSize);
        json.WriteBoolean("jited", info.Jited);
        if (info.Jited)
        {
            json.WriteNumber("bytes_jited", info.JitedSize);
        }

        if (info.MemlockBytes is { } memlock)
        {
            json.WriteNumber("bytes_memlock", memlock);
        }

        if (info.MapIds.Count > 0)
        {
            json.WriteStartArray("map_ids");
            foreach (uint id in info.MapIds)
            {
                json.WriteNumberValue(id);
            }

            json.WriteEndArray();
        }

        if (info.BtfId != 0)
        {
            json.WriteNumber("btf_id", info.BtfId);
        }

        json.WriteEndObject();
    }
}
