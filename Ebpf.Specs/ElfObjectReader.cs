using System.Buffers.Binary;
using System.Text;
using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Elf;

namespace Ebpf.Specs;

/// <summary>
/// Turns a parsed clang/libbpf-style BPF object into a <see cref="CollectionSpec"/>, as libbpf's
/// <c>bpf_object__open</c> does: maps, global data, externs, then programs with their relocations applied
/// and their subprograms linked in. Needs no privileges.
/// </summary>
internal sealed partial class ElfObjectReader
{
    private const string TextSection = ".text";
    private const string LicenseSection = "license";
    private const string VersionSection = "version";

    private readonly ElfFile _elf;
    private readonly ByteOrder _order;
    private readonly BtfSpec? _btf;

    // The BTF before the .ksyms fix-up turned extern VARs into int variables: it still says which ksyms are typeless.
    private readonly BtfSpec? _externTypes;
    private readonly BtfExtInfo? _ext;
    private readonly CollectionSpec _spec;
    private readonly Dictionary<int, ElfRelocationTable> _relocations = [];
    private readonly Dictionary<uint, List<ElfSymbol>> _symbolsBySection = [];

    private ElfObjectReader(ElfFile elf, bool outline)
    {
        _elf = elf;
        _order = elf.ByteOrder == ElfByteOrder.BigEndian ? ByteOrder.BigEndian : ByteOrder.LittleEndian;
        foreach (var symbol in elf.Symbols)
        {
            if (symbol.IsInSection)
            {
                if (!_symbolsBySection.TryGetValue(symbol.SectionIndex, out var list))
                {
                    _symbolsBySection[symbol.SectionIndex] = list = [];
                }

                list.Add(symbol);
            }
        }

        foreach (var table in elf.RelocationTables)
        {
            if (table.TargetSection is { } target)
            {
                _relocations.TryAdd(target.Index, table);
            }
        }

        if (elf.FindSection(BtfSpec.ElfSectionName) is { HasData: true } section)
        {
            // clang leaves DATASEC sizes and offsets zero; fill them in (and lay out .kconfig) as libbpf does.
            // A private copy: the spec outlives the file's image (CollectionSpec.Load maps the file only while reading).
            var raw = BtfSpec.Parse(section.Data.ToArray());
            LayOutKconfig(raw);
            var patched = DataSecFixer.Fix(section.Data.Span, raw, datasec => DataSecLayout(raw, datasec));
            var laidOut = patched is null ? raw : BtfSpec.Parse(patched);
            ReadOnlySpan<byte> bytes = patched is null ? section.Data.Span : patched;
            var ksyms = KsymsBtfFixer.Fix(bytes, laidOut);
            var withKsyms = ksyms is null ? laidOut : BtfSpec.Parse(ksyms);
            var statics = HiddenFuncBtfFixer.Fix(ksyms is null ? bytes : ksyms, withKsyms, HiddenTextFunctions(elf));
            _btf = statics is null ? withKsyms : BtfSpec.Parse(statics);
            _externTypes = laidOut;
            _ext = outline ? FunctionRecordsOf(elf, _btf) : BtfExtInfo.FromElf(elf, _btf);
        }

        _spec = new CollectionSpec { Types = _btf, ByteOrder = _order };
    }

    /// <summary>
    /// The function records of the object's <c>.BTF.ext</c> alone: a copy of the section up to the end of its function
    /// records, with the line and CO-RE record lengths in the header set to zero, so that their records (tens of
    /// thousands in a large object, each with its strings) are neither checked nor read.
    /// </summary>
    private static BtfExtInfo? FunctionRecordsOf(ElfFile elf, BtfSpec btf)
    {
        if (elf.FindSection(BtfExtInfo.ElfSectionName) is not { HasData: true } section)
        {
            return null;
        }

        var bytes = section.Data.Span;
        bool big = bytes.Length >= 2 && BinaryPrimitives.ReadUInt16BigEndian(bytes) == BtfExtHeader.Magic;
        ulong headerLength = bytes.Length >= BtfExtHeader.MinimumLength ? ReadUInt32(bytes[4..], big) : 0;
        ulong funcEnd = headerLength >= BtfExtHeader.MinimumLength ? headerLength + ReadUInt32(bytes[8..], big) + ReadUInt32(bytes[12..], big) : 0;
        if (headerLength < BtfExtHeader.MinimumLength || headerLength > (ulong)bytes.Length || funcEnd > (ulong)bytes.Length)
        {
            return BtfExtInfo.Parse(bytes, btf); // malformed: the parser says how
        }

        var copy = bytes[..(int)funcEnd].ToArray();
        copy.AsSpan(20, 4).Clear(); // line_info_len
        if (headerLength >= BtfExtHeader.CoreLength)
        {
            copy.AsSpan(28, 4).Clear(); // core_relo_len
        }

        return BtfExtInfo.Parse(copy, btf);
    }

    private static uint ReadUInt32(ReadOnlySpan<byte> bytes, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);

    /// <summary>The global or weak functions of <c>.text</c> with hidden or internal visibility (libbpf's <c>mark_btf_static</c>).</summary>
    private static HashSet<string> HiddenTextFunctions(ElfFile elf)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (elf.FindSection(TextSection) is not { } text)
        {
            return names;
        }

        foreach (var symbol in elf.Symbols)
        {
            if (symbol.SectionIndex == (uint)text.Index && symbol.Type == ElfSymbolType.Function
                && symbol.Binding is ElfSymbolBinding.Global or ElfSymbolBinding.Weak
                && symbol.Visibility is ElfSymbolVisibility.Hidden or ElfSymbolVisibility.Internal)
            {
                names.Add(symbol.Name);
            }
        }

        return names;
    }

    /// <summary>
    /// The largest array map value the kernel accepts (<c>INT_MAX</c>, kernel/bpf/arraymap.c); global data sections
    /// are single-value arrays, so a larger one could never load.
    /// </summary>
    internal const long MaxArrayValueSize = int.MaxValue;

    /// <summary>
    /// The largest zero-filled value we allocate eagerly for kconfig externs, so a forged BTF cannot make us
    /// allocate more than a few MiB beyond the input. A <c>.bss</c> has no such cap: its value is allocated only
    /// when used (<see cref="ZeroFilledMemory"/>), so only the array value limit applies.
    /// </summary>
    internal const long MaxZeroFilledSize = 4L << 20;

    /// <summary>Reads the object.</summary>
    /// <param name="elf">The object.</param>
    /// <param name="outline">
    /// Whether to leave out the line and CO-RE records of <c>.BTF.ext</c> (see <see cref="CollectionSpec.LoadOutline"/>):
    /// the programs are the same instructions, functions and references, without source lines or CO-RE tags.
    /// </param>
    /// <exception cref="ElfSpecException">The object cannot be turned into a spec.</exception>
    internal static CollectionSpec Read(ElfFile elf, bool outline = false)
    {
        if (!elf.IsBpf)
        {
            throw new ElfSpecException($"not a BPF object (machine {elf.Machine})");
        }

        var reader = new ElfObjectReader(elf, outline);
        reader.ReadMaps();
        reader.ReadArena();
        reader.ReadGlobalData();
        reader.ReadKconfig();
        reader.ReadStructOpsMaps();
        reader.ReadPrograms();
        reader.LinkStructOpsPrograms();
        return reader._spec;
    }

    private string License
    {
        get
        {
            var section = _elf.FindSection(LicenseSection);
            if (section is null || !section.HasData)
            {
                return string.Empty;
            }

            var bytes = section.Data.Span;
            int end = bytes.IndexOf((byte)0);
            return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
        }
    }

    private uint KernelVersion
    {
        get
        {
            var section = _elf.FindSection(VersionSection);
            if (section is null || !section.HasData)
            {
                return 0;
            }

            var bytes = section.Data.Span;
            if (bytes.Length != sizeof(uint))
            {
                throw new ElfSpecException($"the kernel version is {bytes.Length} bytes, not 4", VersionSection);
            }

            return _order == ByteOrder.BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        }
    }

    private static bool IsProgramSection(ElfSection section) =>
        section.Type == ElfSectionType.ProgBits && (section.Flags & ElfSectionFlags.ExecInstr) != 0 && section.Size > 0;

    private static bool IsBtfMapSection(ElfSection section) => section.Name == ".maps";

    private static bool IsLegacyMapSection(ElfSection section) => section.Name.StartsWith("maps", StringComparison.Ordinal);

    private static bool IsStructOpsSection(ElfSection section) => section.Name is ".struct_ops" or ".struct_ops.link";

    private static bool IsDataSection(ElfSection section) =>
        section.Type is ElfSectionType.ProgBits or ElfSectionType.NoBits
        && (section.Flags & ElfSectionFlags.ExecInstr) == 0
        && (HasPrefix(section.Name, ".data") || HasPrefix(section.Name, ".rodata") || HasPrefix(section.Name, ".bss"));

    // "name" or "name.anything", as libbpf matches global data sections.
    private static bool HasPrefix(string name, string prefix) =>
        name.StartsWith(prefix, StringComparison.Ordinal) && (name.Length == prefix.Length || name[prefix.Length] == '.');

    // Section symbols have no name of their own: use the section's.
    private string SymbolLabel(in ElfSymbol symbol) =>
        symbol.Type == ElfSymbolType.Section && symbol.IsInSection && symbol.SectionIndex < _elf.Sections.Count
            ? _elf.Sections[(int)symbol.SectionIndex].Name
            : symbol.Name;

    // The symbols defined in a section, in symbol table order.
    private IReadOnlyList<ElfSymbol> SymbolsIn(ElfSection section) =>
        _symbolsBySection.TryGetValue((uint)section.Index, out var list) ? list : [];

    private BtfDataSec? FindDataSec(string name)
    {
        if (_btf is null)
        {
            return null;
        }

        foreach (var type in _btf.FindTypes(name, BtfKind.DataSec))
        {
            if (type is BtfDataSec datasec)
            {
                return datasec;
            }
        }

        return null;
    }

    private void ReadMaps()
    {
        foreach (var section in _elf.Sections)
        {
            IReadOnlyList<MapSpec> maps;
            if (IsBtfMapSection(section))
            {
                maps = MapDefinitionReader.ReadBtfMaps(_elf, section, _btf ?? throw new ElfSpecException("BTF-defined maps need the object's .BTF section", section.Name));
            }
            else if (IsLegacyMapSection(section))
            {
                maps = MapDefinitionReader.ReadLegacyMaps(_elf, section, _btf);
            }
            else
            {
                continue;
            }

            foreach (var map in maps)
            {
                AddMap(map);
            }
        }
    }

    // After the global data and kconfig maps, as libbpf orders them (bpf_object__init_maps), wherever the sections are.
    private void ReadStructOpsMaps()
    {
        foreach (var section in _elf.Sections.Where(IsStructOpsSection))
        {
            foreach (var map in MapDefinitionReader.ReadStructOps(_elf, section, _btf ?? throw new ElfSpecException("struct_ops maps need the object's .BTF section", section.Name)))
            {
                AddMap(map);
            }
        }
    }

    private void AddMap(MapSpec map)
    {
        if (!_spec.Maps.TryAdd(map.Name, map))
        {
            throw new ElfSpecException("a map with this name is defined twice", map.SectionName, map.Name);
        }
    }
}
