using System.Buffers.Binary;
using Ebpf.Asm;

namespace Ebpf.Btf;

public sealed partial class BtfExtInfo
{
    private const int FuncInfoMinimumSize = 8;
    private const int LineInfoMinimumSize = 16;
    private const int CoreRelocationMinimumSize = 16;

    /// <summary>Parses a <c>.BTF.ext</c> section, in either byte order.</summary>
    /// <param name="ext">The section's bytes; copied out as records, not kept.</param>
    /// <param name="btf">The object's BTF, for section names, file names, line text and access strings.</param>
    /// <returns>The parsed ext info.</returns>
    /// <exception cref="BtfFormatException">The bytes are not a valid <c>.BTF.ext</c> section for <paramref name="btf"/>.</exception>
    public static BtfExtInfo Parse(ReadOnlySpan<byte> ext, BtfSpec btf)
    {
        ArgumentNullException.ThrowIfNull(btf);
        if (ext.Length < BtfExtHeader.MinimumLength)
        {
            throw new BtfFormatException($".BTF.ext is {ext.Length} bytes, shorter than its {BtfExtHeader.MinimumLength}-byte header", 0);
        }

        bool big;
        if (BinaryPrimitives.ReadUInt16LittleEndian(ext) == BtfExtHeader.Magic)
        {
            big = false;
        }
        else if (BinaryPrimitives.ReadUInt16BigEndian(ext) == BtfExtHeader.Magic)
        {
            big = true;
        }
        else
        {
            throw new BtfFormatException($"bad .BTF.ext magic 0x{BinaryPrimitives.ReadUInt16LittleEndian(ext):x4}", 0);
        }

        if (ext[2] != 1)
        {
            throw new BtfFormatException($"unsupported .BTF.ext version {ext[2]}", 2);
        }

        uint headerLength = U32(ext, 4, big);
        if (headerLength < BtfExtHeader.MinimumLength || headerLength > (uint)ext.Length)
        {
            throw new BtfFormatException($".BTF.ext header length {headerLength} outside {BtfExtHeader.MinimumLength}..{ext.Length}", 4);
        }

        bool hasCore = headerLength >= BtfExtHeader.CoreLength;
        var header = new BtfExtHeader(
            ext[2],
            ext[3],
            headerLength,
            U32(ext, 8, big),
            U32(ext, 12, big),
            U32(ext, 16, big),
            U32(ext, 20, big),
            hasCore ? U32(ext, 24, big) : 0,
            hasCore ? U32(ext, 28, big) : 0);

        var data = ext[(int)headerLength..];
        int start = (int)headerLength;
        var strings = new StringCache(btf);
        var funcs = ReadSubsection(data, start, header.FuncInfoOffset, header.FuncInfoLength, FuncInfoMinimumSize, "func_info", 8, big, strings,
            static (r, big, strings, pos) => new FuncInfo(U32(r, 0, big), CheckedType(strings.Btf, U32(r, 4, big), pos + 4)));
        var lines = ReadSubsection(data, start, header.LineInfoOffset, header.LineInfoLength, LineInfoMinimumSize, "line_info", 16, big, strings,
            static (r, big, strings, pos) =>
            {
                uint fileOffset = U32(r, 4, big);
                uint lineOffset = U32(r, 8, big);
                uint lineCol = U32(r, 12, big);
                return new LineInfo(
                    U32(r, 0, big),
                    fileOffset,
                    lineOffset,
                    strings.Get(fileOffset, pos + 4),
                    strings.Get(lineOffset, pos + 8),
                    (int)(lineCol >> 10),
                    (int)(lineCol & 0x3ff));
            });
        var relocations = ReadSubsection(data, start, header.CoreRelocationOffset, header.CoreRelocationLength, CoreRelocationMinimumSize, "core_relo", 24, big, strings,
            static (r, big, strings, pos) =>
            {
                uint accessOffset = U32(r, 8, big);
                uint kind = U32(r, 12, big);
                if (kind > (uint)CoreRelocationKind.TypeMatches)
                {
                    throw new BtfFormatException($"CO-RE relocation has unknown kind {kind}", pos + 12);
                }

                return new CoreRelocation(U32(r, 0, big), CheckedType(strings.Btf, U32(r, 4, big), pos + 4), accessOffset, strings.Get(accessOffset, pos + 8), (CoreRelocationKind)kind);
            });
        return new BtfExtInfo(header, big ? ByteOrder.BigEndian : ByteOrder.LittleEndian, btf, funcs, lines, relocations);
    }

    private delegate T RecordReader<T>(ReadOnlySpan<byte> record, bool bigEndian, StringCache strings, int position);

    private static Subsection<T> ReadSubsection<T>(
        ReadOnlySpan<byte> data,
        int dataStart,
        uint offset,
        uint length,
        int minimumSize,
        string what,
        int headerField,
        bool big,
        StringCache strings,
        RecordReader<T> read)
    {
        var sections = new Dictionary<string, IReadOnlyList<T>>(StringComparer.Ordinal);
        if (length == 0)
        {
            return new Subsection<T>(0, sections);
        }

        if (offset % 4 != 0)
        {
            throw new BtfFormatException($"{what} offset {offset} is not 4-byte aligned", headerField);
        }

        if ((ulong)offset + length > (ulong)data.Length)
        {
            throw new BtfFormatException($"{what} {offset}+{length} runs past the {data.Length} bytes after the header", headerField);
        }

        var sub = data.Slice((int)offset, (int)length);
        int basePos = dataStart + (int)offset;
        if (sub.Length < 4)
        {
            throw new BtfFormatException($"{what} is {sub.Length} bytes, too short for its record size", basePos);
        }

        uint recordSize = U32(sub, 0, big);
        if (recordSize < minimumSize || recordSize % 4 != 0 || recordSize > 1024)
        {
            throw new BtfFormatException($"{what} record size {recordSize} is invalid (at least {minimumSize}, a multiple of 4)", basePos);
        }

        int pos = 4;
        while (pos < sub.Length)
        {
            if (sub.Length - pos < 8)
            {
                throw new BtfFormatException($"{what} section header truncated: {sub.Length - pos} bytes left of 8", basePos + pos);
            }

            uint nameOffset = U32(sub, pos, big);
            uint count = U32(sub, pos + 4, big);
            string name = strings.Get(nameOffset, basePos + pos);
            if (count == 0)
            {
                throw new BtfFormatException($"{what} section '{name}' has no records", basePos + pos + 4);
            }

            pos += 8;
            if ((ulong)count * recordSize > (ulong)(sub.Length - pos))
            {
                throw new BtfFormatException($"{what} section '{name}' needs {count} records of {recordSize} bytes, {sub.Length - pos} left", basePos + pos - 4);
            }

            if (sections.ContainsKey(name))
            {
                throw new BtfFormatException($"{what} has section '{name}' twice", basePos + pos - 8);
            }

            var records = new T[count];
            for (int i = 0; i < records.Length; i++)
            {
                records[i] = read(sub.Slice(pos, (int)recordSize), big, strings, basePos + pos);
                pos += (int)recordSize;
            }

            sections[name] = records;
        }

        return new Subsection<T>(recordSize, sections);
    }

    private static string CheckedString(BtfSpec btf, uint offset, int position) =>
        btf.TryGetString(offset, out var value)
            ? value
            : throw new BtfFormatException($"string offset {offset} is past the BTF string table", position);

    private static uint CheckedType(BtfSpec btf, uint id, int position) =>
        id <= btf.LastTypeId ? id : throw new BtfFormatException($"type id {id} is past the last BTF type {btf.LastTypeId}", position);

    private static uint U32(ReadOnlySpan<byte> span, int offset, bool big) =>
        big ? BinaryPrimitives.ReadUInt32BigEndian(span[offset..]) : BinaryPrimitives.ReadUInt32LittleEndian(span[offset..]);

    // The strings of the records by offset: a file name, a source line or an access string is read once and shared
    // by every record that names it (a large object has tens of thousands of line records over a few files).
    private sealed class StringCache(BtfSpec btf)
    {
        private readonly Dictionary<uint, string> _byOffset = [];

        public BtfSpec Btf { get; } = btf;

        public string Get(uint offset, int position)
        {
            if (!_byOffset.TryGetValue(offset, out var value))
            {
                value = CheckedString(Btf, offset, position);
                _byOffset[offset] = value;
            }

            return value;
        }
    }

    private sealed record Subsection<T>(uint RecordSize, Dictionary<string, IReadOnlyList<T>> Sections);
}
