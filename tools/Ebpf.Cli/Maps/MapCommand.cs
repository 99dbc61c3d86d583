using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Cli.Maps;

/// <summary><c>ebpf map list|show ID|dump ID [--json]</c>: the maps in the kernel and their entries, as <c>bpftool map</c> prints them.</summary>
public static class MapCommand
{
    /// <summary>Creates the <c>map</c> command group.</summary>
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON (bpftool's field names) instead of text." };
        var list = new Command("list", "List the maps in the kernel.") { json };
        list.SetAction(result => List(LinuxBpfSyscalls.Instance, result.GetValue(json), Console.Out));
        var showId = new Argument<uint>("ID") { Description = "The map id." };
        var show = new Command("show", "Show one map.") { showId, json };
        show.SetAction(result => Show(LinuxBpfSyscalls.Instance, result.GetValue(showId), result.GetValue(json), Console.Out, Console.Error));
        var dumpId = new Argument<uint>("ID") { Description = "The map id." };
        var dump = new Command("dump", "Print every entry of a map (keys and values as bytes).") { dumpId, json };
        dump.SetAction(result => Dump(LinuxBpfSyscalls.Instance, result.GetValue(dumpId), result.GetValue(json), Console.Out, Console.Error));
        return new Command("map", "Inspect BPF maps in the kernel.") { list, show, dump };
    }

    /// <summary>Writes every map.</summary>
    /// <returns>The process exit code.</returns>
    public static int List(IBpfSyscalls syscalls, bool json, TextWriter output)
    {
        var infos = new List<MapInfo>();
        foreach (uint id in Map.LoadedIds(syscalls))
        {
            try
            {
                using var map = Map.OpenById(id, syscalls);
                infos.Add(map.Info());
            }
            catch (EbpfException e) when (e.Errno == Errno.ENOENT)
            {
                // freed since it was listed
            }
        }

        Write(output, infos, json, array: true);
        return 0;
    }

    /// <summary>Writes one map.</summary>
    /// <returns>The process exit code: 0, or 1 when no map has the id.</returns>
    public static int Show(IBpfSyscalls syscalls, uint id, bool json, TextWriter output, TextWriter error)
    {
        try
        {
            using var map = Map.OpenById(id, syscalls);
            Write(output, [map.Info()], json, array: false);
            return 0;
        }
        catch (EbpfException e)
        {
            error.WriteLine($"Error: get map by id ({id}): {EbpfException.Describe(e.Errno)}");
            return 1;
        }
    }

    /// <summary>Writes every entry of a map: <c>key: .. value: ..</c> lines, or bpftool's JSON (<c>key</c>/<c>value</c> as hex byte strings, <c>values</c> per CPU).</summary>
    /// <returns>The process exit code: 0, or 1 when the map cannot be opened or read.</returns>
    public static int Dump(IBpfSyscalls syscalls, uint id, bool json, TextWriter output, TextWriter error)
    {
        Map map;
        try
        {
            map = Map.OpenById(id, syscalls);
        }
        catch (EbpfException e)
        {
            error.WriteLine($"Error: get map by id ({id}): {EbpfException.Describe(e.Errno)}");
            return 1;
        }

        using (map)
        {
            if (map.KeySize == 0)
            {
                error.WriteLine($"Error: map {id} ({map.Type}) has no keys to dump");
                return 1;
            }

            var entries = new List<(byte[] Key, byte[]? Value)>();
            var key = new byte[map.KeySize];
            var next = new byte[map.KeySize];
            var value = new byte[map.ValueStride];
            bool first = true;
            while (map.TryGetNextKey(first ? ReadOnlySpan<byte>.Empty : key, next))
            {
                first = false;
                next.CopyTo(key, 0);
                entries.Add(((byte[])key.Clone(), map.TryLookup(key, value) ? (byte[])value.Clone() : null));
            }

            if (json)
            {
                WriteEntriesJson(output, map, entries);
            }
            else
            {
                foreach (var (k, v) in entries)
                {
                    output.WriteLine($"key: {Hex(k)}  value: {(v is null ? "<no entry>" : Hex(v))}");
                }

                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Found {entries.Count} element{(entries.Count == 1 ? "" : "s")}"));
            }
        }

        return 0;
    }

    /// <summary>bpftool's name of a map type: the C name without <c>BPF_MAP_TYPE_</c>, in lower case.</summary>
    public static string TypeName(BpfMapType type)
    {
        const string prefix = "BPF_MAP_TYPE_";
        string name = KernelNames.Of(type);
        return (name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : name).ToLowerInvariant();
    }

    private static string Hex(byte[] bytes) => string.Join(' ', bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));

    private static void Write(TextWriter output, IReadOnlyList<MapInfo> infos, bool json, bool array)
    {
        if (!json)
        {
            foreach (var info in infos)
            {
                string name = info.Name.ToString();
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{info.Id}: {TypeName(info.Type)}  {(name.Length > 0 ? $"name {name}  " : "")}flags 0x{(uint)info.MapFlags:x}"));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"\tkey {info.KeySize}B  value {info.ValueSize}B  max_entries {info.MaxEntries}"));
                if (info.BtfId != 0)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\tbtf_id {info.BtfId}"));
                }
            }

            return;
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            if (array)
            {
                writer.WriteStartArray();
            }

            foreach (var info in infos)
            {
                writer.WriteStartObject();
                writer.WriteNumber("id", info.Id);
                writer.WriteString("type", TypeName(info.Type));
                writer.WriteString("name", info.Name.ToString());
                writer.WriteNumber("flags", (uint)info.MapFlags);
                writer.WriteNumber("bytes_key", info.KeySize);
                writer.WriteNumber("bytes_value", info.ValueSize);
                writer.WriteNumber("max_entries", info.MaxEntries);
                if (info.BtfId != 0)
                {
                    writer.WriteNumber("btf_id", info.BtfId);
                }

                writer.WriteEndObject();
            }

            if (array)
            {
                writer.WriteEndArray();
            }
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteEntriesJson(TextWriter output, Map map, List<(byte[] Key, byte[]? Value)> entries)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            foreach (var (key, value) in entries)
            {
                writer.WriteStartObject();
                WriteBytes(writer, "key", key);
                if (value is null)
                {
                    writer.WriteNull("value");
                }
                else if (map.IsPerCpu)
                {
                    int stride = (int)((map.ValueSize + 7) & ~7u);
                    writer.WriteStartArray("values");
                    for (int cpu = 0; cpu * stride < value.Length; cpu++)
                    {
                        writer.WriteStartObject();
                        writer.WriteNumber("cpu", cpu);
                        WriteBytes(writer, "value", value.AsSpan(cpu * stride, (int)map.ValueSize).ToArray());
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                }
                else
                {
                    WriteBytes(writer, "value", value);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteBytes(Utf8JsonWriter writer, string name, byte[] bytes)
    {
        writer.WriteStartArray(name);
        foreach (byte b in bytes)
        {
            writer.WriteStringValue("0x" + b.ToString("x2", CultureInfo.InvariantCulture));
        }

        writer.WriteEndArray();
    }
}
