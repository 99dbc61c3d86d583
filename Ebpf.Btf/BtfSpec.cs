using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ebpf.Asm;

namespace Ebpf.Btf;

/// <summary>
/// Parsed raw BTF: a header, an index of type records and a string table, over the caller's bytes.
/// Parsing makes one pass that records where each type starts and checks every record, reference and
/// name offset; types are decoded into <see cref="BtfType"/> objects only when asked for, then cached.
/// A split BTF (a kernel module's) continues the type ids and string offsets of its <see cref="Base"/>.
/// </summary>
/// <remarks>The bytes passed to <see cref="Parse"/> are kept, not copied: do not change them afterwards.
/// Reading from several threads at once is safe.</remarks>
public sealed partial class BtfSpec
{
    private const int RecordHeaderSize = 12;

    private readonly ReadOnlyMemory<byte> _raw;
    private readonly int[] _offsets;
    private readonly int _stringStart;
    private readonly int _stringLength;
    private readonly bool _bigEndian;
    private BtfType?[]? _cache;

    private BtfSpec(ReadOnlyMemory<byte> raw, BtfHeader header, bool bigEndian, BtfSpec? baseSpec, int[] offsets, int stringStart)
    {
        _raw = raw;
        Header = header;
        _bigEndian = bigEndian;
        Base = baseSpec;
        _offsets = offsets;
        _stringStart = stringStart;
        _stringLength = (int)header.StringLength;
        FirstTypeId = baseSpec is null ? 1 : baseSpec.LastTypeId + 1;
        StringOffsetBase = baseSpec is null ? 0 : baseSpec.StringOffsetBase + (uint)baseSpec._stringLength;
    }

    /// <summary>The header, in host order.</summary>
    public BtfHeader Header { get; }

    /// <summary>The byte order of the blob, found from its magic number.</summary>
    public ByteOrder ByteOrder => _bigEndian ? ByteOrder.BigEndian : ByteOrder.LittleEndian;

    /// <summary>The base BTF of a split BTF, or null.</summary>
    public BtfSpec? Base { get; }

    /// <summary>Id of the first type this blob defines: 1, or one past the base's last id for a split BTF.</summary>
    public uint FirstTypeId { get; }

    /// <summary>Number of types this blob defines (not counting <c>void</c> or the base's types).</summary>
    public int TypeCount => _offsets.Length;

    /// <summary>The highest valid type id, counting the base's types.</summary>
    public uint LastTypeId => FirstTypeId + (uint)_offsets.Length - 1;

    /// <summary>The string offset where this blob's string section starts (the base's total string size for a split BTF).</summary>
    public uint StringOffsetBase { get; }

    /// <summary>Reads a whole file of raw BTF, such as <c>/sys/kernel/btf/vmlinux</c>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="baseSpec">The base BTF when the file is split BTF, or null.</param>
    /// <returns>The parsed BTF.</returns>
    /// <exception cref="BtfFormatException">The file is not valid BTF.</exception>
    public static BtfSpec Load(string path, BtfSpec? baseSpec = null) => Parse(BtfMappedMemory.ReadAllBytes(path), baseSpec);

    /// <summary>Parses raw BTF bytes (a <c>.BTF</c> section or a sysfs BTF file), in either byte order.</summary>
    /// <param name="raw">The blob; kept, not copied.</param>
    /// <param name="baseSpec">The base BTF when <paramref name="raw"/> is split BTF, or null.</param>
    /// <returns>The parsed BTF.</returns>
    /// <exception cref="BtfFormatException">The bytes are not valid BTF.</exception>
    public static BtfSpec Parse(ReadOnlyMemory<byte> raw, BtfSpec? baseSpec = null)
    {
        var span = raw.Span;
        if (span.Length < BtfHeader.MinimumLength)
        {
            throw new BtfFormatException($"BTF is {span.Length} bytes, shorter than its {BtfHeader.MinimumLength}-byte header", 0);
        }

        bool bigEndian;
        if (BinaryPrimitives.ReadUInt16LittleEndian(span) == BtfHeader.Magic)
        {
            bigEndian = false;
        }
        else if (BinaryPrimitives.ReadUInt16BigEndian(span) == BtfHeader.Magic)
        {
            bigEndian = true;
        }
        else
        {
            throw new BtfFormatException($"bad BTF magic 0x{BinaryPrimitives.ReadUInt16LittleEndian(span):x4}", 0);
        }

        var header = new BtfHeader(
            span[2],
            span[3],
            ReadUInt32(span, 4, bigEndian),
            ReadUInt32(span, 8, bigEndian),
            ReadUInt32(span, 12, bigEndian),
            ReadUInt32(span, 16, bigEndian),
            ReadUInt32(span, 20, bigEndian));
        if (header.Version != 1)
        {
            throw new BtfFormatException($"unsupported BTF version {header.Version}", 2);
        }

        if (header.HeaderLength < BtfHeader.MinimumLength || header.HeaderLength > (uint)span.Length)
        {
            throw new BtfFormatException($"header length {header.HeaderLength} outside 24..{span.Length}", 4);
        }

        long meta = span.Length - header.HeaderLength;
        if (header.TypeOffset % 4 != 0)
        {
            throw new BtfFormatException($"type section offset {header.TypeOffset} is not 4-byte aligned", 8);
        }

        if ((long)header.TypeOffset + header.TypeLength > meta)
        {
            throw new BtfFormatException($"type section {header.TypeOffset}+{header.TypeLength} runs past the {meta} bytes after the header", 8);
        }

        if ((long)header.StringOffset + header.StringLength > meta)
        {
            throw new BtfFormatException($"string section {header.StringOffset}+{header.StringLength} runs past the {meta} bytes after the header", 16);
        }

        if ((long)header.TypeOffset + header.TypeLength > header.StringOffset)
        {
            throw new BtfFormatException("type section overlaps or follows the string section", 8);
        }

        int stringStart = (int)(header.HeaderLength + header.StringOffset);
        CheckStrings(span.Slice(stringStart, (int)header.StringLength), stringStart, baseSpec, header.StringLength);
        if (baseSpec is not null && (long)baseSpec.StringOffsetBase + baseSpec._stringLength + header.StringLength > int.MaxValue)
        {
            throw new BtfFormatException("string sections of base and split BTF exceed 2 GiB", 20);
        }

        int typeStart = (int)(header.HeaderLength + header.TypeOffset);
        uint stringEnd = (baseSpec is null ? 0 : baseSpec.StringOffsetBase + (uint)baseSpec._stringLength) + header.StringLength;
        var offsets = IndexRecords(span, typeStart, (int)header.TypeLength, bigEndian, stringEnd, out uint maxTypeReference);
        if (baseSpec is not null && (long)baseSpec.LastTypeId + offsets.Length > int.MaxValue)
        {
            throw new BtfFormatException("too many types in base and split BTF", 8);
        }

        var spec = new BtfSpec(raw, header, bigEndian, baseSpec, offsets, stringStart);
        if (maxTypeReference > spec.LastTypeId)
        {
            spec.CheckReferences(); // finds and reports the first bad reference
        }

        return spec;
    }

    private static void CheckStrings(ReadOnlySpan<byte> strings, int start, BtfSpec? baseSpec, uint length)
    {
        if (baseSpec is not null && length == 0)
        {
            return;
        }

        if (length == 0)
        {
            throw new BtfFormatException("empty string section", start);
        }

        if (strings[^1] != 0)
        {
            throw new BtfFormatException("string section does not end with a NUL byte", start + strings.Length - 1);
        }

        if (baseSpec is null && strings[0] != 0)
        {
            throw new BtfFormatException("string section does not start with the empty string", start);
        }
    }

    /// <summary>
    /// The one pass over the type section: finds where every record starts, checks that it fits and that every name
    /// offset is inside the strings, and returns the largest type id referenced (checked once the type count is known).
    /// </summary>
    private static int[] IndexRecords(ReadOnlySpan<byte> span, int start, int length, bool bigEndian, uint stringEnd, out uint maxTypeReference)
    {
        // Each record takes at least 12 bytes, so this bounds the index by the bytes actually present.
        var scratch = ArrayPool<int>.Shared.Rent(Math.Max(1, length / RecordHeaderSize));
        try
        {
            int count = 0;
            int pos = start;
            int end = start + length;
            uint maxRef = 0;
            ref byte data = ref MemoryMarshal.GetReference(span);
            while (pos < end)
            {
                if (end - pos < RecordHeaderSize)
                {
                    throw new BtfFormatException($"type record {count + 1} truncated: {end - pos} bytes left of a 12-byte header", pos);
                }

                uint info = Word(ref data, pos + 4, bigEndian);
                var kind = (BtfKind)((info >> 24) & 0x1f);
                int vlen = (int)(info & 0xffff);
                int extra = kind switch
                {
                    BtfKind.Int or BtfKind.Var or BtfKind.DeclTag => 4,
                    BtfKind.Array => 12,
                    BtfKind.Struct or BtfKind.Union or BtfKind.DataSec or BtfKind.Enum64 => 12 * vlen,
                    BtfKind.Enum or BtfKind.FuncProto => 8 * vlen,
                    BtfKind.Pointer or BtfKind.Forward or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const
                        or BtfKind.Restrict or BtfKind.Func or BtfKind.Float or BtfKind.TypeTag => 0,
                    _ => throw new BtfFormatException($"type record {count + 1} has unknown kind {(int)kind}", pos + 4),
                };
                if (end - pos - RecordHeaderSize < extra)
                {
                    throw new BtfFormatException(
                        $"type record {count + 1} ({kind}, vlen {vlen}) needs {RecordHeaderSize + extra} bytes, {end - pos} left", pos);
                }

                CheckName(Word(ref data, pos, bigEndian), stringEnd, pos);
                int members = pos + RecordHeaderSize;
                switch (kind)
                {
                    case BtfKind.Pointer or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict
                        or BtfKind.TypeTag or BtfKind.Func or BtfKind.Var or BtfKind.DeclTag:
                        maxRef = Math.Max(maxRef, Word(ref data, pos + 8, bigEndian));
                        break;
                    case BtfKind.Array:
                        maxRef = Math.Max(maxRef, Math.Max(Word(ref data, members, bigEndian), Word(ref data, members + 4, bigEndian)));
                        break;
                    case BtfKind.Struct or BtfKind.Union:
                        for (int m = members; m < members + extra; m += 12)
                        {
                            CheckName(Word(ref data, m, bigEndian), stringEnd, m);
                            maxRef = Math.Max(maxRef, Word(ref data, m + 4, bigEndian));
                        }

                        break;
                    case BtfKind.Enum:
                        for (int m = members; m < members + extra; m += 8)
                        {
                            CheckName(Word(ref data, m, bigEndian), stringEnd, m);
                        }

                        break;
                    case BtfKind.Enum64:
                        for (int m = members; m < members + extra; m += 12)
                        {
                            CheckName(Word(ref data, m, bigEndian), stringEnd, m);
                        }

                        break;
                    case BtfKind.DataSec:
                        for (int m = members; m < members + extra; m += 12)
                        {
                            maxRef = Math.Max(maxRef, Word(ref data, m, bigEndian));
                        }

                        break;
                    case BtfKind.FuncProto:
                        maxRef = Math.Max(maxRef, Word(ref data, pos + 8, bigEndian));
                        for (int m = members; m < members + extra; m += 8)
                        {
                            CheckName(Word(ref data, m, bigEndian), stringEnd, m);
                            maxRef = Math.Max(maxRef, Word(ref data, m + 4, bigEndian));
                        }

                        break;
                }

                scratch[count++] = pos;
                pos += RecordHeaderSize + extra;
            }

            maxTypeReference = maxRef;
            return scratch.AsSpan(0, count).ToArray();
        }
        finally
        {
            ArrayPool<int>.Shared.Return(scratch);
        }
    }

    /// <summary>A 32-bit word at an offset already checked to be inside the blob.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Word(ref byte data, int offset, bool bigEndian)
    {
        uint value = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref data, offset));
        return bigEndian == BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(value) : value;
    }

    private static uint ReadUInt32(ReadOnlySpan<byte> span, int offset, bool bigEndian) =>
        bigEndian
            ? BinaryPrimitives.ReadUInt32BigEndian(span.Slice(offset, 4))
            : BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(offset, 4));

    private uint U32(ReadOnlySpan<byte> span, int offset) => ReadUInt32(span, offset, _bigEndian);

    /// <summary>Byte offset in the blob of a record this spec owns.</summary>
    private int RecordOffset(uint id) => _offsets[id - FirstTypeId];

    /// <summary>The spec that holds the record of <paramref name="id"/> (this one or a base).</summary>
    private BtfSpec Owner(uint id)
    {
        var spec = this;
        while (id < spec.FirstTypeId && spec.Base is not null)
        {
            spec = spec.Base;
        }

        return spec;
    }

    private void CheckId(uint id)
    {
        if (id > LastTypeId)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, $"type ids run 0..{LastTypeId}");
        }
    }
}
