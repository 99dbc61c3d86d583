using System.Buffers.Binary;
using Ebpf.Asm;

namespace Ebpf.Btf.Marshaling;

public sealed partial class BtfBuilder
{
    /// <summary>
    /// Writes the types and strings as raw BTF: a 24-byte header, the type section, the string section
    /// (split BTF over <see cref="Base"/> when the builder has one).
    /// </summary>
    /// <param name="order">Byte order of the blob.</param>
    /// <param name="options">Compatibility rewrites for older kernels, or null for none.</param>
    /// <returns>The blob, which <see cref="BtfSpec.Parse"/> reads back.</returns>
    /// <exception cref="BtfBuilderException">A type refers to an id that was never added.</exception>
    public byte[] Marshal(ByteOrder order, BtfMarshalOptions? options = null)
    {
        options ??= BtfMarshalOptions.None;
        uint lastId = NextTypeId - 1;
        var rewriter = options.Any ? new BtfCompatibilityRewriter(this, options) : null;
        long typeWords = 0;
        var output = new uint[_records.Count][];
        for (int i = 0; i < _records.Count; i++)
        {
            var record = _records[i] ?? throw new BtfBuilderException($"type {FirstTypeId + (uint)i} was reserved but never written");
            BtfRecordLayout.TypeSlots(record, _slots);
            foreach (int slot in _slots)
            {
                if (record[slot] > lastId)
                {
                    throw new BtfBuilderException(
                        $"type {FirstTypeId + (uint)i} ({BtfRecordLayout.Kind(record[1])}) refers to type {record[slot]}, past the last id {lastId}");
                }
            }

            output[i] = rewriter?.Rewrite(FirstTypeId + (uint)i, record) ?? record;
            typeWords += record.Length;
        }

        var extra = rewriter?.Finish() ?? [];
        foreach (var record in extra)
        {
            typeWords += record.Length;
        }

        var strings = _strings.Bytes;
        var overlay = rewriter?.ExtraStrings ?? [];
        long stringLength = strings.Length + overlay.Length;
        long typeLength = typeWords * 4;
        if (BtfHeader.MinimumLength + typeLength + stringLength > Array.MaxLength)
        {
            throw new BtfBuilderException($"BTF of {typeLength} type bytes and {stringLength} string bytes is too large");
        }

        var blob = new byte[BtfHeader.MinimumLength + typeLength + stringLength];
        bool big = order == ByteOrder.BigEndian;
        var span = blob.AsSpan();
        WriteUInt16(span, BtfHeader.Magic, big);
        span[2] = 1;
        span[3] = 0;
        WriteUInt32(span[4..], BtfHeader.MinimumLength, big);
        WriteUInt32(span[8..], 0, big);
        WriteUInt32(span[12..], (uint)typeLength, big);
        WriteUInt32(span[16..], (uint)typeLength, big);
        WriteUInt32(span[20..], (uint)stringLength, big);

        int pos = BtfHeader.MinimumLength;
        foreach (var record in output.Concat(extra))
        {
            pos = WriteRecord(span, pos, record, big);
        }

        strings.CopyTo(span[pos..]);
        overlay.CopyTo(span[(pos + strings.Length)..]);
        return blob;
    }

    private static int WriteRecord(Span<byte> span, int pos, uint[] record, bool big)
    {
        var words = span.Slice(pos, record.Length * 4);
        if (big == !BitConverter.IsLittleEndian)
        {
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(record.AsSpan()).CopyTo(words);
        }
        else
        {
            BinaryPrimitives.ReverseEndianness(record, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(words));
        }

        return pos + words.Length;
    }

    private static void WriteUInt16(Span<byte> span, ushort value, bool big)
    {
        if (big)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span, value);
        }
    }

    private static void WriteUInt32(Span<byte> span, uint value, bool big)
    {
        if (big)
        {
            BinaryPrimitives.WriteUInt32BigEndian(span, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span, value);
        }
    }
}
