using Ebpf.Asm;
using Ebpf.Elf;

namespace Ebpf.Btf;

/// <summary>
/// A parsed <c>.BTF.ext</c> section: per ELF section, the function records (which BTF <c>FUNC</c> starts at which
/// instruction), the line records (source file, line text, line and column of instructions) and the CO-RE
/// relocation records. Strings are resolved against the object's <c>.BTF</c>, given as <see cref="Btf"/>.
/// </summary>
public sealed partial class BtfExtInfo
{
    /// <summary>The name of the ELF section that holds the ext info.</summary>
    public const string ElfSectionName = ".BTF.ext";

    private BtfExtInfo(
        BtfExtHeader header,
        ByteOrder byteOrder,
        BtfSpec btf,
        Subsection<FuncInfo> funcs,
        Subsection<LineInfo> lines,
        Subsection<CoreRelocation> relocations)
    {
        Header = header;
        ByteOrder = byteOrder;
        Btf = btf;
        FuncInfoRecordSize = funcs.RecordSize;
        LineInfoRecordSize = lines.RecordSize;
        CoreRelocationRecordSize = relocations.RecordSize;
        FuncInfos = funcs.Sections;
        LineInfos = lines.Sections;
        CoreRelocations = relocations.Sections;
        SectionNames = funcs.Sections.Keys.Concat(lines.Sections.Keys).Concat(relocations.Sections.Keys).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The header, in host order.</summary>
    public BtfExtHeader Header { get; }

    /// <summary>The byte order of the section, found from its magic number.</summary>
    public ByteOrder ByteOrder { get; }

    /// <summary>The BTF whose strings and types the records refer to.</summary>
    public BtfSpec Btf { get; }

    /// <summary>Size of one function record as declared by the producer (8, or more for newer producers); 0 when there are none.</summary>
    public uint FuncInfoRecordSize { get; }

    /// <summary>Size of one line record as declared by the producer (16 or more); 0 when there are none.</summary>
    public uint LineInfoRecordSize { get; }

    /// <summary>Size of one CO-RE relocation record as declared by the producer (16 or more); 0 when there are none.</summary>
    public uint CoreRelocationRecordSize { get; }

    /// <summary>Function records by ELF section name, in file order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<FuncInfo>> FuncInfos { get; }

    /// <summary>Line records by ELF section name, in file order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<LineInfo>> LineInfos { get; }

    /// <summary>CO-RE relocation records by ELF section name, in file order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<CoreRelocation>> CoreRelocations { get; }

    /// <summary>Every ELF section name that has records of any sort, in first-seen order.</summary>
    public IReadOnlyList<string> SectionNames { get; }

    /// <summary>The function records of one ELF section; empty when it has none.</summary>
    /// <param name="sectionName">The ELF section name, such as <c>xdp</c> or <c>.text</c>.</param>
    /// <returns>The records, in file order.</returns>
    public IReadOnlyList<FuncInfo> FuncInfosOf(string sectionName) => FuncInfos.GetValueOrDefault(sectionName) ?? [];

    /// <summary>The line records of one ELF section; empty when it has none.</summary>
    /// <param name="sectionName">The ELF section name.</param>
    /// <returns>The records, in file order.</returns>
    public IReadOnlyList<LineInfo> LineInfosOf(string sectionName) => LineInfos.GetValueOrDefault(sectionName) ?? [];

    /// <summary>The CO-RE relocation records of one ELF section; empty when it has none.</summary>
    /// <param name="sectionName">The ELF section name.</param>
    /// <returns>The records, in file order.</returns>
    public IReadOnlyList<CoreRelocation> CoreRelocationsOf(string sectionName) => CoreRelocations.GetValueOrDefault(sectionName) ?? [];

    /// <summary>Parses the <c>.BTF.ext</c> section of a BPF object, if it has one.</summary>
    /// <param name="elf">The object file.</param>
    /// <param name="btf">The object's BTF (see <see cref="BtfSpec.FromElf"/>).</param>
    /// <returns>The ext info, or null when the object has no <c>.BTF.ext</c> section.</returns>
    /// <exception cref="BtfFormatException">The section is not valid.</exception>
    public static BtfExtInfo? FromElf(ElfFile elf, BtfSpec btf)
    {
        ArgumentNullException.ThrowIfNull(elf);
        var section = elf.FindSection(ElfSectionName);
        return section is null || !section.HasData ? null : Parse(section.Data.Span, btf);
    }

    /// <summary>
    /// Attaches the records of one ELF section to that section's instructions: every instruction with a line
    /// record gets <see cref="InstructionMetadata.Source"/>, every function start without a symbol gets its BTF
    /// <c>FUNC</c> name as <see cref="InstructionMetadata.Symbol"/>, and every instruction with a CO-RE relocation
    /// and no tag yet gets the <see cref="CoreRelocation"/> as <see cref="InstructionMetadata.Tag"/>.
    /// </summary>
    /// <param name="sectionName">The ELF section name the instructions were decoded from.</param>
    /// <param name="instructions">All of the section's instructions, starting at its first byte; changed in place.</param>
    /// <returns>The records by instruction index (not slot).</returns>
    /// <exception cref="BtfFormatException">A record points past the instructions or into the middle of an <c>lddw</c>.</exception>
    public BtfExtAnnotations Apply(string sectionName, Instructions instructions)
    {
        ArgumentNullException.ThrowIfNull(sectionName);
        ArgumentNullException.ThrowIfNull(instructions);
        var slotToIndex = new int[instructions.SlotCount];
        Array.Fill(slotToIndex, -1);
        int slot = 0;
        for (int i = 0; i < instructions.Count; i++)
        {
            slotToIndex[slot] = i;
            slot += instructions[i].Slots;
        }

        int IndexOf(uint byteOffset, string what)
        {
            uint s = byteOffset / Instruction.SlotSize;
            if (byteOffset % Instruction.SlotSize != 0 || s >= (uint)slotToIndex.Length || slotToIndex[s] < 0)
            {
                throw new BtfFormatException(
                    $"{what} in section '{sectionName}' points at byte {byteOffset}, not the start of one of its {instructions.Count} instructions");
            }

            return slotToIndex[s];
        }

        var functions = FuncInfosOf(sectionName);
        foreach (var f in functions)
        {
            int index = IndexOf(f.ByteOffset, "function record");
            if (instructions[index].Symbol is null && Btf.TryGetTypeById(f.TypeId, out var type) && type is BtfFunc func)
            {
                instructions[index] = instructions[index].WithSymbol(func.Name);
            }
        }

        var lines = LineInfosOf(sectionName);
        foreach (var l in lines)
        {
            int index = IndexOf(l.ByteOffset, "line record");
            instructions[index] = instructions[index].WithSource(new SourceLine(l.FileName, l.Text, l.Line, l.Column));
        }

        var relocations = CoreRelocationsOf(sectionName);
        foreach (var r in relocations)
        {
            int index = IndexOf(r.ByteOffset, "CO-RE relocation");
            var instruction = instructions[index];
            if (instruction.Metadata?.Tag is null)
            {
                instructions[index] = instruction.WithMetadata((instruction.Metadata ?? new InstructionMetadata()) with { Tag = r });
            }
        }

        return new BtfExtAnnotations(
            new RecordsByIndex<FuncInfo>(functions, slotToIndex, f => f.ByteOffset),
            new RecordsByIndex<LineInfo>(lines, slotToIndex, l => l.ByteOffset),
            new RecordsByIndex<CoreRelocation>(relocations, slotToIndex, r => r.ByteOffset));
    }
}
