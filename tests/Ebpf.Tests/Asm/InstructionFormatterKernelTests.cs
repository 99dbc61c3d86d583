using System.Text.Json;
using Ebpf.Asm;

namespace Ebpf.Tests.Asm;

/// <summary>
/// Compares our listing with the kernel's: every program of every little-endian test object is loaded
/// with <c>bpftool prog loadall</c>, its translated instructions are read back raw
/// (<c>bpftool prog dump xlated id N file F</c>), decoded with <see cref="Instruction.Decode"/>, printed
/// with <see cref="InstructionListing"/>, and compared line by line with <c>bpftool prog dump xlated id N</c>.
/// </summary>
[Category("Kernel")]
[NonParallelizable]
public class InstructionFormatterKernelTests
{
    private BpffsDirectory? _bpffs;
    private Dictionary<ulong, List<string>> _kallsyms = [];
    private ulong _callBase;

    public static IEnumerable<string> Objects() =>
        TestPrograms.All.Where(f => f.EndsWith(".bpfel.o", StringComparison.Ordinal) && TestPrograms.IsLoadableByBpftool(f)).Select(f => Path.GetFileName(f)!);

    [OneTimeSetUp]
    public void MountPrivateBpffs()
    {
        string? reason = KernelTools.Unavailable();
        if (reason != null)
        {
            Assert.Ignore(reason);
        }

        _bpffs = BpffsDirectory.Mount();
        _kallsyms = KernelTools.ReadKallsyms();
        _callBase = _kallsyms.FirstOrDefault(kv => kv.Value.Contains("__bpf_call_base")).Key;
        Assert.That(_callBase, Is.Not.Zero, "__bpf_call_base is missing from /proc/kallsyms (kptr_restrict?)");
    }

    [OneTimeTearDown]
    public void UnmountBpffs() => _bpffs?.Dispose(); // drops every pin, which unloads the programs and maps

    [TestCaseSource(nameof(Objects))]
    public void ListingMatchesBpftoolXlatedDump(string objectName)
    {
        string pins = Path.Combine(_bpffs!.Path, objectName.Replace('.', '_'));
        Directory.CreateDirectory(pins);
        var (exitCode, _, error) = ExternalTool.Execute("bpftool", "prog", "loadall", Path.Combine(TestPrograms.Directory, objectName), pins);
        if (exitCode != 0 && error.Contains("BPF program load failed", StringComparison.Ordinal))
        {
            // The reference cannot load it on this kernel (a verifier older than the object): nothing to compare with.
            Directory.Delete(pins, recursive: true);
            var why = error.Split('\n').Where(l => l.StartsWith("libbpf: ", StringComparison.Ordinal) && !l.Contains("PROG LOAD LOG", StringComparison.Ordinal)).Take(3);
            Assert.Ignore($"{objectName}: bpftool prog loadall exited {exitCode} on this kernel: {string.Join("; ", why)}");
        }

        Assert.That(exitCode, Is.Zero, $"bpftool prog loadall: {error}");

        try
        {
            string[] programs = Directory.GetFiles(pins);
            Assert.That(programs, Is.Not.Empty, $"bpftool loaded no program from {objectName}");
            foreach (string pin in programs)
            {
                using JsonDocument show = JsonDocument.Parse(KernelTools.Run("bpftool", "-j", "prog", "show", "pinned", pin));
                string id = show.RootElement.GetProperty("id").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture);
                CompareProgram(id, $"{objectName}:{Path.GetFileName(pin)}");
            }
        }
        finally
        {
            foreach (string pin in Directory.GetFiles(pins))
            {
                File.Delete(pin);
            }

            Directory.Delete(pins);
        }
    }

    private void CompareProgram(string id, string what)
    {
        string raw = Path.Combine(Path.GetTempPath(), $"ebpf-fmt-{id}-{Guid.NewGuid():N}.raw");
        byte[] bytes;
        try
        {
            KernelTools.Run("bpftool", "prog", "dump", "xlated", "id", id, "file", raw);
            bytes = File.ReadAllBytes(raw);
        }
        finally
        {
            File.Delete(raw);
        }

        // What bpftool reads from BTF (function prototypes and source lines, one JSON entry per instruction),
        // read once: every "prog dump xlated" reads all of /proc/kallsyms, which is slow under emulation.
        using JsonDocument json = JsonDocument.Parse(KernelTools.Run("bpftool", ["-j", "prog", "dump", "xlated", "id", id, "linum"]));
        JsonElement[] entries = json.RootElement.EnumerateArray().ToArray();

        // Plain, then with bpftool's "opcodes" (raw bytes), then "linum" (source positions); this
        // bpftool takes only one of the two keywords at a time.
        CompareListing(id, what, bytes, entries, null);
        CompareListing(id, what, bytes, entries, "opcodes");
        CompareListing(id, what, bytes, entries, "linum");
    }

    private void CompareListing(string id, string what, byte[] bytes, JsonElement[] entries, string? keyword)
    {
        string[] extra = keyword == null ? [] : [keyword];
        string expected = KernelTools.Run("bpftool", ["prog", "dump", "xlated", "id", id, .. extra]);

        // Decode the raw instructions and attach what bpftool reads from BTF (function prototypes and
        // source lines, one JSON entry per instruction) as metadata, so the listing prints them itself.
        var program = new List<Instruction>();
        for (int offset = 0, index = 0; offset < bytes.Length; index++)
        {
            offset += Instruction.Decode(bytes.AsSpan(offset), ByteOrder.LittleEndian, out Instruction insn);
            Assert.That(index, Is.LessThan(entries.Length), $"{what}: more instructions than bpftool shows");
            JsonElement entry = entries[index];
            if (entry.TryGetProperty("proto", out JsonElement proto))
            {
                insn = insn.WithSymbol(proto.GetString());
            }

            if (entry.TryGetProperty("src", out JsonElement src))
            {
                // The JSON holds the text with leading blanks removed; a blank line arrives empty but
                // bpftool's plain output still prints "; " for it, so keep one blank. JSON leaves out
                // a zero line number or column.
                string text = src.GetString()!;
                string file = entry.TryGetProperty("file", out JsonElement f) ? f.GetString()! : "";
                int line = entry.TryGetProperty("line_num", out JsonElement l) ? l.GetInt32() : 0;
                int column = entry.TryGetProperty("line_col", out JsonElement c) ? c.GetInt32() : 0;
                insn = insn.WithSource(new SourceLine(file, text.Length == 0 ? " " : text, line, column));
            }

            program.Add(insn);
        }

        var options = new InstructionListingOptions
        {
            Namer = new XlatedInstructionNamer(_callBase, SymbolAt),
            Symbols = true,
            SourceLines = true,
            LineNumbers = keyword == "linum",
            RawBytes = keyword == "opcodes",
        };
        string actual = InstructionListing.Format(program, options);

        string[] expectedLines = expected.TrimEnd('\n').Split('\n');
        string[] actualLines = actual.TrimEnd('\n').Split('\n');
        Assert.That(actualLines, Has.Length.EqualTo(expectedLines.Length), $"{what}: line count\n{actual}");
        for (int i = 0; i < expectedLines.Length; i++)
        {
            Assert.That(Normalize(actualLines[i], expectedLines[i]), Is.EqualTo(Normalize(expectedLines[i], expectedLines[i])), $"{what}: line {i}");
        }

        TestContext.Out.WriteLine($"{what} (id {id}{(keyword == null ? "" : ", " + keyword)}): {expectedLines.Length} lines match");
    }

    private string? SymbolAt(ulong address) =>
        _kallsyms.TryGetValue(address, out List<string>? names) ? names[0] : null;

    /// <summary>
    /// The two normalizations, both of names bpftool takes from kernel-internal data, never of our syntax:
    /// <list type="number">
    /// <item>A BPF-to-BPF call <c>call pc+N#bpf_prog_TAG_name</c>: bpftool names the JITed callee from the
    /// program's <c>jited_ksyms</c> (BPF_OBJ_GET_INFO_BY_FD), which the command line does not expose; the
    /// <c>#...</c> suffix is dropped from both sides, <c>call pc+N</c> itself must match.</item>
    /// <item>A helper call <c>call NAME#imm</c> whose address carries several kallsyms names: bpftool's
    /// binary search picks any of them, so any name at that address is accepted.</item>
    /// <item>The kernel-internal per-CPU address move (ALU64 MOV X with offset BPF_ADDR_PERCPU, which the
    /// verifier emits when it inlines per-CPU helpers): the kernel's disasm.c since 6.10 prints
    /// <c>rD = &amp;(void __percpu *)(rS)</c>, but a bpftool built from older sources (Debian's v7.1)
    /// carries an older copy of disasm.c and prints <c>rD = rS</c>. Only when bpftool prints the old
    /// form is ours mapped to it; a current bpftool must match exactly.</item>
    /// </list>
    /// </summary>
    private string Normalize(string line, string bpftoolLine)
    {
        const string perCpu = " = &(void __percpu *)(";
        int cast = line.IndexOf(perCpu, StringComparison.Ordinal);
        if (cast >= 0 && !bpftoolLine.Contains("__percpu", StringComparison.Ordinal) && line.EndsWith(')'))
        {
            return line.Substring(0, cast) + " = " + line.Substring(cast + perCpu.Length, line.Length - cast - perCpu.Length - 1);
        }

        int call = line.IndexOf(") call pc", StringComparison.Ordinal);
        if (call >= 0)
        {
            int hash = line.IndexOf('#', call);
            return hash < 0 ? line : line.Substring(0, hash);
        }

        call = line.IndexOf(") call ", StringComparison.Ordinal);
        int mark = line.LastIndexOf('#');
        if (call >= 0 && mark > call && int.TryParse(line.AsSpan(mark + 1), out int imm))
        {
            ulong address = unchecked(_callBase + (ulong)(long)imm);
            if (_kallsyms.TryGetValue(address, out List<string>? names) && names.Count > 1)
            {
                string start = call + 7 <= bpftoolLine.Length ? bpftoolLine.Substring(0, call + 7) : bpftoolLine;
                int theirMark = bpftoolLine.LastIndexOf('#');
                string theirName = theirMark > call + 7 ? bpftoolLine.Substring(call + 7, theirMark - call - 7) : "";
                if (names.Contains(theirName))
                {
                    return start + "<" + address.ToString("x", System.Globalization.CultureInfo.InvariantCulture) + ">" + line.Substring(mark);
                }
            }
        }

        return line;
    }
}
