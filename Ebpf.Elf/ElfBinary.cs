using System.Buffers.Binary;

namespace Ebpf.Elf;

/// <summary>Endian-aware field reads; callers have already checked that the field lies inside the span.</summary>
internal static class ElfBinary
{
    public static ushort U16(ReadOnlySpan<byte> span, int offset, ElfByteOrder order) =>
        order == ElfByteOrder.LittleEndian
            ? BinaryPrimitives.ReadUInt16LittleEndian(span.Slice(offset, 2))
            : BinaryPrimitives.ReadUInt16BigEndian(span.Slice(offset, 2));

    public static uint U32(ReadOnlySpan<byte> span, int offset, ElfByteOrder order) =>
        order == ElfByteOrder.LittleEndian
            ? BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(offset, 4))
            : BinaryPrimitives.ReadUInt32BigEndian(span.Slice(offset, 4));

    public static ulong U64(ReadOnlySpan<byte> span, int offset, ElfByteOrder order) =>
        order == ElfByteOrder.LittleEndian
            ? BinaryPrimitives.ReadUInt64LittleEndian(span.Slice(offset, 8))
            : BinaryPrimitives.ReadUInt64BigEndian(span.Slice(offset, 8));

    /// <summary>True when [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="size"/>) lies within <paramref name="length"/> bytes; overflow-safe.</summary>
    public static bool Fits(ulong offset, ulong size, int length) =>
        offset <= (ulong)length && size <= (ulong)length - offset;
}
