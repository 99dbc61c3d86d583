using System.Text.RegularExpressions;
using Ebpf.Asm;
using Ebpf.Cli.Disasm;
using Ebpf.Elf;

namespace Ebpf.Tests.Cli;

public class DisasmCommandTests
{
    public static IEnumerable<string> Objects => TestPrograms.All.Select(Path.GetFileName)!;

    [Test]
    public void EveryTestProgramWasCompiledForBothByteOrders()
    {
        var sources = Directory.GetFiles(Path.Combine(TestPrograms.RepoRoot, "tests", "bpf"), "*.bpf.c");
        Assert.That(sources, Is.Not.Empty);
        foreach (var source in sources)
        {
            string name = Path.GetFileName(source)[..^".bpf.c".Length];
            Assert.That(File.Exists(TestPrograms.Path(name, bigEndian: false)), name + " bpfel");
            Assert.That(File.Exists(TestPrograms.Path(name, bigEndian: true)), name + " bpfeb");
        }
    }

    [TestCaseSource(nameof(Objects))]
    public void EveryExecutableSectionRoundTripsByteForByte(string objectName)
    {
        using var elf = ElfFile.Open(Path.Combine(TestPrograms.Directory, objectName));
        var sections = ObjectDisassembler.Disassemble(elf);
        Assert.That(sections, Is.Not.Empty);
        foreach (var section in sections)
        {
            Assert.That(section.Reencode(), Is.EqualTo(section.Bytes.ToArray()), section.Name);
        }
    }

    [TestCaseSource(nameof(Objects))]
    public void InstructionBoundariesAndBytesMatchLlvmObjdump(string objectName)
    {
        string path = Path.Combine(TestPrograms.Directory, objectName);
        var expected = ParseObjdump(ExternalTool.Run("llvm-objdump-14", "-d", path));
        using var elf = ElfFile.Open(path);
        foreach (var section in ObjectDisassembler.Disassemble(elf))
        {
            Assert.That(expected.ContainsKey(section.Name), "objdump lists " + section.Name);
            var ours = new List<(int, string)>();
            var buffer = new byte[16];
            foreach (var slot in section.Instructions.WithSlots())
            {
                int size = slot.Instruction.Encode(buffer, section.Order);
                ours.Add((slot.SlotOffset * Instruction.SlotSize, Convert.ToHexString(buffer, 0, size).ToLowerInvariant()));
            }

            Assert.That(ours, Is.EqualTo(expected[section.Name]), section.Name);
        }
    }

    [Test]
    public void ListingNamesFunctionsHelpersAndRelocationTargets()
    {
        var output = new StringWriter();
        Assert.That(DisasmCommand.Run(new FileInfo(TestPrograms.Path("callbacks")), null, false, output), Is.EqualTo(0));
        string text = output.ToString();
        Assert.That(text, Does.Contain("Disassembly of section raw_tracepoint/sys_enter:\nwalk:\n   0: (b7) r1 = 0\n"));
        Assert.That(text, Does.Contain("(85) call bpf_for_each_map_elem#164"));
        Assert.That(text, Does.Contain("(18) r2 = sum_elem"));
        Assert.That(text, Does.Contain("(18) r1 = events"));
        Assert.That(text, Does.Contain("Disassembly of section .text:\nsum_elem:\n"));
    }

    [Test]
    public void BigEndianListingEqualsLittleEndianListing()
    {
        foreach (var name in new[] { "packet", "maps_and_globals", "callbacks", "atomics" })
        {
            var el = new StringWriter();
            var eb = new StringWriter();
            DisasmCommand.Run(new FileInfo(TestPrograms.Path(name, bigEndian: false)), null, false, el);
            DisasmCommand.Run(new FileInfo(TestPrograms.Path(name, bigEndian: true)), null, false, eb);

            // Packet code differs only where clang folds byte swaps of constants differently per target.
            if (name != "packet")
            {
                Assert.That(eb.ToString(), Is.EqualTo(el.ToString()), name);
            }
        }
    }

    [Test]
    public void SectionFilterSelectsOneSection()
    {
        var output = new StringWriter();
        DisasmCommand.Run(new FileInfo(TestPrograms.Path("packet")), "xdp", false, output);
        Assert.That(Regex.Matches(output.ToString(), "^Disassembly of section", RegexOptions.Multiline), Has.Count.EqualTo(1));
        Assert.Throws<ArgumentException>(() => DisasmCommand.Run(new FileInfo(TestPrograms.Path("packet")), "nope", false, new StringWriter()));
    }

    /// <summary>Section name -> (byte offset, hex bytes) of every instruction llvm-objdump prints.</summary>
    private static Dictionary<string, List<(int, string)>> ParseObjdump(string text)
    {
        var result = new Dictionary<string, List<(int, string)>>();
        List<(int, string)>? current = null;
        var line = new Regex(@"^\s*(\d+):\t([0-9a-f]{2}(?: [0-9a-f]{2})*)\t");
        foreach (var raw in text.Split('\n'))
        {
            if (raw.StartsWith("Disassembly of section ", StringComparison.Ordinal))
            {
                current = [];
                result[raw["Disassembly of section ".Length..].TrimEnd(':')] = current;
                continue;
            }

            var match = line.Match(raw);
            if (match.Success && current != null)
            {
                current.Add((int.Parse(match.Groups[1].Value) * Instruction.SlotSize, match.Groups[2].Value.Replace(" ", "")));
            }
        }

        return result;
    }
}
