using System.Globalization;
using System.Text.Json;
using Ebpf.Cli.Prog;
using Ebpf.Kernel;
using Ebpf.Tests.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Cli;

[Category("Kernel")]
public sealed class ProgCommandTests
{
    [Test]
    public void ShowJsonAgreesWithBpftool()
    {
        using var program = Program.Load(ElfProgramSpecs.Section("verifier_fail", "xdp", BpfProgramType.Xdp));
        uint id = program.Info().Id;
        var ours = new StringWriter();
        Assert.That(ProgCommand.Show(LinuxBpfSyscalls.Instance, id, json: true, ours, TextWriter.Null), Is.Zero);
        using var oursDoc = JsonDocument.Parse(ours.ToString());
        using var theirsDoc = JsonDocument.Parse(ExternalTool.Run("bpftool", "-j", "prog", "show", "id", id.ToString(CultureInfo.InvariantCulture)));
        var theirs = theirsDoc.RootElement;
        Assert.That(theirs.TryGetProperty("btf_id", out _), Is.True, "bpftool sees the program's BTF");
        foreach (var property in theirs.EnumerateObject())
        {
            if (property.Name is "pids" or "orphaned")
            {
                continue;
            }

            Assert.That(oursDoc.RootElement.TryGetProperty(property.Name, out var value), Is.True, property.Name);
            if (property.Name == "loaded_at")
            {
                Assert.That(value.GetInt64(), Is.EqualTo(property.Value.GetInt64()).Within(1));
            }
            else
            {
                Assert.That(value.GetRawText(), Is.EqualTo(property.Value.GetRawText()), property.Name);
            }
        }
    }

    [Test]
    public void ShowTextAgreesWithBpftool()
    {
        using var map = KernelPrograms.CreateMap(LinuxBpfSyscalls.Instance, BpfMapType.Array, 4, 8, 1, name: "cli_map");
        var spec = new ProgramSpec
        {
            Name = "cli_text",
            Type = BpfProgramType.SocketFilter,
            Instructions = new Ebpf.Asm.Instructions(
            [
                Ebpf.Asm.Insn.LoadMapPtr(Ebpf.Asm.Register.R1, "cli_map"),
                Ebpf.Asm.Insn.Mov.Imm(Ebpf.Asm.Register.R0, 0),
                Ebpf.Asm.Insn.Exit(),
            ]),
        };
        using var program = Program.Load(spec, new ProgramLoadOptions { Maps = new Dictionary<string, BpfFileDescriptor> { ["cli_map"] = map } });
        uint id = program.Info().Id;
        var ours = new StringWriter();
        ProgCommand.Show(LinuxBpfSyscalls.Instance, id, json: false, ours, TextWriter.Null);
        var ourLines = ours.ToString().TrimEnd().Split('\n');
        var theirLines = ExternalTool.Run("bpftool", "prog", "show", "id", id.ToString(CultureInfo.InvariantCulture)).TrimEnd().Split('\n');
        Assert.That(ourLines, Has.Length.EqualTo(theirLines.Length));
        for (int i = 0; i < theirLines.Length; i++)
        {
            if (theirLines[i].StartsWith("\tloaded_at", StringComparison.Ordinal))
            {
                Assert.That(ourLines[i][ourLines[i].IndexOf("  uid", StringComparison.Ordinal)..], Is.EqualTo(theirLines[i][theirLines[i].IndexOf("  uid", StringComparison.Ordinal)..]));
                continue;
            }

            Assert.That(ourLines[i], Is.EqualTo(theirLines[i]));
        }
    }

    [Test]
    public void ANameTheKernelTruncatedIsShownInFullFromBtfAsBpftoolDoes()
    {
        using var collection = Collection.Load(CollectionSpec.Load(TestPrograms.Path("kconfig_weak")));
        var program = collection.Programs["read_weak_option"];
        uint id = program.Info().Id;
        string idText = id.ToString(CultureInfo.InvariantCulture);
        Assert.That(program.Info().Name, Is.EqualTo("read_weak_optio"), "the kernel keeps 15 characters");
        Assert.That(program.FullName(), Is.EqualTo("read_weak_option"));

        var json = new StringWriter();
        Assert.That(ProgCommand.Show(LinuxBpfSyscalls.Instance, id, json: true, json, TextWriter.Null), Is.Zero);
        using var ours = JsonDocument.Parse(json.ToString());
        using var theirs = JsonDocument.Parse(ExternalTool.Run("bpftool", "-j", "prog", "show", "id", idText));
        Assert.That(ours.RootElement.GetProperty("name").GetString(), Is.EqualTo(theirs.RootElement.GetProperty("name").GetString()));
        Assert.That(ours.RootElement.GetProperty("name").GetString(), Is.EqualTo("read_weak_option"));

        var text = new StringWriter();
        ProgCommand.Show(LinuxBpfSyscalls.Instance, id, json: false, text, TextWriter.Null);
        string theirText = ExternalTool.Run("bpftool", "prog", "show", "id", idText);
        Assert.That(text.ToString().Split('\n')[0], Is.EqualTo(theirText.Split('\n')[0]));

        var list = new StringWriter();
        ProgCommand.List(LinuxBpfSyscalls.Instance, json: true, list, TextWriter.Null);
        using var all = JsonDocument.Parse(list.ToString());
        Assert.That(all.RootElement.EnumerateArray().Single(p => p.GetProperty("id").GetUInt32() == id).GetProperty("name").GetString(), Is.EqualTo("read_weak_option"));
    }

    [Test]
    public void ListIncludesALoadedProgram()
    {
        using var program = Program.Load(new ProgramSpec
        {
            Name = "cli_listed",
            Type = BpfProgramType.SocketFilter,
            Instructions = new Ebpf.Asm.Instructions([Ebpf.Asm.Insn.Mov.Imm(Ebpf.Asm.Register.R0, 0), Ebpf.Asm.Insn.Exit()]),
        });
        var output = new StringWriter();
        Assert.That(ProgCommand.List(LinuxBpfSyscalls.Instance, json: true, output, TextWriter.Null), Is.Zero);
        using var doc = JsonDocument.Parse(output.ToString());
        Assert.That(doc.RootElement.EnumerateArray().Any(p => p.GetProperty("id").GetUInt32() == program.Info().Id && p.GetProperty("name").GetString() == "cli_listed"));
    }

    [Test]
    public void ShowOfAMissingIdFails()
    {
        var error = new StringWriter();
        Assert.That(ProgCommand.Show(LinuxBpfSyscalls.Instance, uint.MaxValue, json: false, TextWriter.Null, error), Is.EqualTo(1));
        Assert.That(error.ToString(), Does.Contain("ENOENT"));
    }
}
