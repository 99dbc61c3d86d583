using System.Buffers.Binary;
using System.Text;
using Ebpf.Elf;

namespace Ebpf.Links;

/// <summary>
/// Reads the <c>.note.stapsdt</c> notes of an ELF file into <see cref="UsdtProbe"/>s, as libbpf's <c>usdt.c</c>
/// (<c>collect_usdt_targets</c>, <c>parse_usdt_note</c>) does: note type 3 named <c>stapsdt</c>, whose descriptor is
/// three addresses (location, <c>.stapsdt.base</c>, semaphore) and three strings (provider, name, arguments).
/// </summary>
internal static class UsdtNotes
{
    /// <summary>The section of the notes.</summary>
    public const string NoteSection = ".note.stapsdt";

    /// <summary>The one-byte section whose address the notes record, to detect prelinking.</summary>
    public const string BaseSection = ".stapsdt.base";

    /// <summary><c>NT_STAPSDT</c>.</summary>
    private const uint NoteType = 3;

    /// <summary>Reads every probe of <paramref name="elf"/> (<paramref name="path"/> names it in errors).</summary>
    /// <exception cref="ArgumentException">Not an ELF64 executable or shared library.</exception>
    /// <exception cref="ElfFormatException">A malformed note.</exception>
    public static IReadOnlyList<UsdtProbe> Read(ElfFile elf, string path)
    {
        if (elf.Type is not (ElfType.Executable or ElfType.SharedObject))
        {
            throw new ArgumentException($"{path} is an ELF {elf.Type} file: USDT probes are read from executables and shared libraries", nameof(path));
        }

        var notes = elf.FindSection(NoteSection);
        if (notes is null || notes.Type != ElfSectionType.Note)
        {
            return [];
        }

        ulong baseAddress = elf.FindSection(BaseSection)?.Address ?? 0;
        var probes = new List<UsdtProbe>();
        var data = notes.Data.Span;
        int offset = 0;
        while (data.Length - offset >= 12)
        {
            var (probe, next) = ReadNote(data, offset, elf.ByteOrder, notes.Offset);
            offset = next;
            if (probe is not null)
            {
                probes.Add(Locate(probe, elf, baseAddress));
            }
        }

        return probes;
    }

    /// <summary>The note at <paramref name="offset"/> (null when it is not a stapsdt note) and the offset of the next one.</summary>
    private static (UsdtProbe? Probe, int Next) ReadNote(ReadOnlySpan<byte> data, int offset, ElfByteOrder order, ulong sectionOffset)
    {
        uint nameSize = ReadUInt32(data[offset..], order);
        uint descSize = ReadUInt32(data[(offset + 4)..], order);
        uint type = ReadUInt32(data[(offset + 8)..], order);
        long nameStart = offset + 12;
        long descStart = nameStart + Align4(nameSize);
        long next = descStart + Align4(descSize);
        if (next > data.Length)
        {
            throw new ElfFormatException($"{NoteSection}: a note runs past the end of the section", (long)sectionOffset + offset);
        }

        var name = data.Slice((int)nameStart, (int)nameSize).TrimEnd((byte)0);
        if (type != NoteType || !name.SequenceEqual("stapsdt"u8))
        {
            return (null, (int)next);
        }

        return (ParseDescriptor(data.Slice((int)descStart, (int)descSize), order, (long)sectionOffset + offset), (int)next);
    }

    /// <summary>Three addresses, then provider, name and arguments, each NUL-terminated.</summary>
    private static UsdtProbe ParseDescriptor(ReadOnlySpan<byte> desc, ElfByteOrder order, long fileOffset)
    {
        if (desc.Length < 3 * sizeof(ulong) + 3)
        {
            throw new ElfFormatException($"{NoteSection}: a stapsdt note of {desc.Length} bytes is too short", fileOffset);
        }

        ulong location = ReadUInt64(desc, order);
        ulong noteBase = ReadUInt64(desc[8..], order);
        ulong semaphore = ReadUInt64(desc[16..], order);
        var strings = desc[24..];
        string provider = NextString(ref strings, "provider", fileOffset);
        string name = NextString(ref strings, "name", fileOffset);
        if (name.Length == 0)
        {
            throw new ElfFormatException($"{NoteSection}: a stapsdt note of provider {provider} has no name", fileOffset);
        }

        // libbpf: no argument string, or one starting with ':' (an old systemtap format), means no arguments.
        string arguments = strings.IsEmpty ? string.Empty : NextString(ref strings, "arguments", fileOffset);
        if (arguments.StartsWith(':'))
        {
            arguments = string.Empty;
        }

        return new UsdtProbe(provider, name, location, noteBase, semaphore, arguments.Trim());
    }

    /// <summary>Adds the prelink-adjusted address and the file offsets of the probe and its semaphore.</summary>
    private static UsdtProbe Locate(UsdtProbe probe, ElfFile elf, ulong baseAddress)
    {
        // Prelink moves .stapsdt.base but not the (unallocated) notes: the difference moves the probe and its semaphore.
        ulong shift = baseAddress != 0 && probe.BaseAddress != 0 ? baseAddress - probe.BaseAddress : 0;
        ulong address = probe.Address + shift;
        ulong? semaphoreOffset = probe.SemaphoreAddress == 0 ? 0 : FileOffset(elf, probe.SemaphoreAddress + shift, executable: false);
        return probe with
        {
            AdjustedAddress = address,
            FileOffset = FileOffset(elf, address, executable: true),
            SemaphoreOffset = semaphoreOffset,
        };
    }

    /// <summary>The file offset of <paramref name="address"/> through the loadable segment that holds it, when that segment is (or is not) executable.</summary>
    private static ulong? FileOffset(ElfFile elf, ulong address, bool executable)
    {
        foreach (var segment in elf.ProgramHeaders)
        {
            if (segment.Type == ElfSegmentType.Load && address >= segment.VirtualAddress && address - segment.VirtualAddress < segment.MemorySize)
            {
                bool isExecutable = (segment.Flags & ElfSegmentFlags.Execute) != 0;
                return isExecutable == executable ? address - segment.VirtualAddress + segment.Offset : null;
            }
        }

        return null;
    }

    private static string NextString(ref ReadOnlySpan<byte> strings, string what, long fileOffset)
    {
        int end = strings.IndexOf((byte)0);
        if (end < 0)
        {
            throw new ElfFormatException($"{NoteSection}: the {what} of a stapsdt note is not NUL-terminated", fileOffset);
        }

        string text = Encoding.UTF8.GetString(strings[..end]);
        strings = strings[(end + 1)..];
        return text;
    }

    private static long Align4(uint size) => (size + 3L) & ~3L;

    private static uint ReadUInt32(ReadOnlySpan<byte> data, ElfByteOrder order) =>
        order == ElfByteOrder.BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(data) : BinaryPrimitives.ReadUInt32LittleEndian(data);

    private static ulong ReadUInt64(ReadOnlySpan<byte> data, ElfByteOrder order) =>
        order == ElfByteOrder.BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(data) : BinaryPrimitives.ReadUInt64LittleEndian(data);
}
