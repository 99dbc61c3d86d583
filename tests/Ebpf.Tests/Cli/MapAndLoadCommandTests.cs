using System.Text.Json;
using Ebpf.Cli.Load;
using Ebpf.Cli.Maps;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Cli;

[Category("Kernel")]
public class MapAndLoadCommandTests
{
    [Test]
    public void MapShowAndDumpAgreeWithBpftool()
    {
        var spec = new MapSpec { Name = "cli_dump", Type = BpfMapType.Hash, KeySize = 4, ValueSize = 8, MaxEntries = 16 };
        using var map = Map.Create(spec);
        for (uint k = 1; k <= 3; k++)
        {
            map.Update(k, (ulong)k * 0x0102030405);
        }

        uint id = map.Info().Id;
        string idText = id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var show = new StringWriter();
        Assert.That(MapCommand.Show(LinuxBpfSyscalls.Instance, id, json: true, show, TextWriter.Null), Is.EqualTo(0));
        using var ours = JsonDocument.Parse(show.ToString());
        using var theirs = JsonDocument.Parse(ExternalTool.Run("bpftool", "-j", "map", "show", "id", idText));
        foreach (var field in new[] { "id", "type", "name", "flags", "bytes_key", "bytes_value", "max_entries" })
        {
            Assert.That(ours.RootElement.GetProperty(field).ToString(), Is.EqualTo(theirs.RootElement.GetProperty(field).ToString()), field);
        }

        var dump = new StringWriter();
        Assert.That(MapCommand.Dump(LinuxBpfSyscalls.Instance, id, json: true, dump, TextWriter.Null), Is.EqualTo(0));
        Assert.That(Entries(dump.ToString()), Is.EquivalentTo(Entries(ExternalTool.Run("bpftool", "-j", "map", "dump", "id", idText))));

        var list = new StringWriter();
        MapCommand.List(LinuxBpfSyscalls.Instance, json: true, list);
        using var all = JsonDocument.Parse(list.ToString());
        Assert.That(all.RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetUInt32()), Does.Contain(id));
    }

    [Test]
    public void GlobalDataMapsAreListedWithTheObjectPrefixAsLibbpfNamesThem()
    {
        using var collection = Collection.Load(CollectionSpec.Load(TestPrograms.Path("maps_and_globals")));
        var ids = new Dictionary<string, uint>
        {
            ["maps_and.rodata"] = collection.Maps[".rodata"].Info().Id,
            ["maps_and.data"] = collection.Maps[".data"].Info().Id,
            ["maps_and.bss"] = collection.Maps[".bss"].Info().Id,
        };
        var list = new StringWriter();
        MapCommand.List(LinuxBpfSyscalls.Instance, json: true, list);
        using var ours = JsonDocument.Parse(list.ToString());
        using var theirs = JsonDocument.Parse(ExternalTool.Run("bpftool", "-j", "map", "list"));
        foreach (var (name, id) in ids)
        {
            var our = ours.RootElement.EnumerateArray().Single(m => m.GetProperty("id").GetUInt32() == id);
            var their = theirs.RootElement.EnumerateArray().Single(m => m.GetProperty("id").GetUInt32() == id);
            Assert.That(our.GetProperty("name").GetString(), Is.EqualTo(name));
            Assert.That(their.GetProperty("name").GetString(), Is.EqualTo(name));
            Assert.That(our.GetProperty("flags").GetRawText(), Is.EqualTo(their.GetProperty("flags").GetRawText()), name);
        }

        var text = new StringWriter();
        MapCommand.List(LinuxBpfSyscalls.Instance, json: false, text);
        Assert.That(text.ToString(), Does.Contain(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ids["maps_and.rodata"]}: array  name maps_and.rodata  flags 0x")));
    }

    [Test]
    public void PerCpuDumpAgreesWithBpftool()
    {
        using var map = Map.Create(new MapSpec { Name = "cli_percpu", Type = BpfMapType.PercpuArray, KeySize = 4, ValueSize = 4, MaxEntries = 2 });
        string id = map.Info().Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var dump = new StringWriter();
        MapCommand.Dump(LinuxBpfSyscalls.Instance, map.Info().Id, json: true, dump, TextWriter.Null);
        Assert.That(Entries(dump.ToString()), Is.EquivalentTo(Entries(ExternalTool.Run("bpftool", "-j", "map", "dump", "id", id))));
    }

    [Test]
    public void LoadPinsProgramsAndMapsAndReportsErrors()
    {
        using var bpffs = BpffsDirectory.Mount();
        var output = new StringWriter();
        Assert.That(LoadCommand.Run(LinuxBpfSyscalls.Instance, TestPrograms.Path("maps_and_globals"), bpffs.Path, output, TextWriter.Null), Is.EqualTo(0), output.ToString());
        var spec = CollectionSpec.Load(TestPrograms.Path("maps_and_globals"));
        var pins = bpffs.Pins();
        foreach (var program in spec.Programs.Values.Where(p => p.Autoload))
        {
            Assert.That(pins, Does.Contain($"progs/{program.Name}"));
        }

        foreach (var map in spec.Maps.Keys)
        {
            Assert.That(pins, Does.Contain($"maps/{map.Replace('.', '_')}"));
        }

        var error = new StringWriter();
        Assert.That(LoadCommand.Run(LinuxBpfSyscalls.Instance, TestPrograms.Path("verifier_errors_noload"), null, TextWriter.Null, error), Is.EqualTo(1));
        Assert.That(error.ToString(), Does.Contain("verifier_errors_noload.bpf.c"));
    }

    [Test]
    public void LoadReportsAMapTheKernelLacksByName()
    {
        var sys = new Moq.Mock<IBpfSyscalls>();
        sys.Setup(s => s.MapCreate(in Moq.It.Ref<Ebpf.Kernel.Interop.MapCreateAttr>.IsAny))
            .Throws(() => new EbpfNotSupportedException("map type BPF_MAP_TYPE_HASH", "3.19", Errno.EOPNOTSUPP));
        var error = new StringWriter();
        Assert.That(LoadCommand.Run(sys.Object, TestPrograms.Path("maps_and_globals"), null, TextWriter.Null, error), Is.EqualTo(1));
        Assert.That(error.ToString(), Does.Match("^Error: map '[^']+': map type BPF_MAP_TYPE_HASH is not supported by this kernel"));
    }

    // Key and value bytes of each entry, from bpftool's dump JSON or ours (bpftool adds "formatted" when the map has BTF).
    private static List<string> Entries(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateArray().Select(e =>
            e.GetProperty("key").ToString() + " => " + (e.TryGetProperty("values", out var perCpu) ? perCpu.ToString() : e.GetProperty("value").ToString())).ToList();
    }
}
