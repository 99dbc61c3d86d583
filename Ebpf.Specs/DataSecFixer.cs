using System.Buffers.Binary;
using Ebpf.Asm;
using Ebpf.Btf;

namespace Ebpf.Specs;

/// <summary>
/// Fills in what clang leaves zero in an object's <c>DATASEC</c> types, as libbpf does when it opens the
/// object: each section's size and each variable's offset (then sorted by offset). Works on a copy of the raw
/// <c>.BTF</c> bytes so that every type keeps its id.
/// </summary>
internal static class DataSecFixer
{
    private const int CommonSize = 12;

    /// <summary>The size and variables a <c>DATASEC</c> should have, or null to leave it alone.</summary>
    internal delegate (uint Size, IReadOnlyList<BtfVarSecInfo> Variables)? Layout(BtfDataSec datasec);

    /// <summary>Patches every <c>DATASEC</c> <paramref name="layout"/> gives a layout for.</summary>
    /// <param name="raw">The object's <c>.BTF</c> section.</param>
    /// <param name="btf">The same section, parsed (not split).</param>
    /// <param name="layout">The wanted layout of each <c>DATASEC</c>; the variable count must stay the same.</param>
    /// <returns>The patched copy, or null when no <c>DATASEC</c> changed.</returns>
    /// <exception cref="ElfSpecException">The records cannot be walked.</exception>
    internal static byte[]? Fix(ReadOnlySpan<byte> raw, BtfSpec btf, Layout layout)
    {
        bool big = btf.ByteOrder == ByteOrder.BigEndian;
        uint Read(ReadOnlySpan<byte> bytes, int at) => big ? BinaryPrimitives.ReadUInt32BigEndian(bytes[at..]) : BinaryPrimitives.ReadUInt32LittleEndian(bytes[at..]);

        byte[]? patched = null;
        long start = (long)btf.Header.HeaderLength + btf.Header.TypeOffset;
        long end = start + btf.Header.TypeLength;
        if (btf.Base is not null || end > raw.Length)
        {
            return null;
        }

        long position = start;
        for (uint id = btf.FirstTypeId; id <= btf.LastTypeId; id++)
        {
            if (position + CommonSize > end)
            {
                throw new ElfSpecException($"BTF type {id} lies past the type section", BtfSpec.ElfSectionName);
            }

            int at = (int)position;
            uint info = Read(raw, at + 4);
            var kind = (BtfKind)((info >> 24) & 0x1f);
            int vlen = (int)(info & 0xffff);
            position += CommonSize + kind switch
            {
                BtfKind.Int or BtfKind.Var or BtfKind.DeclTag => 4,
                BtfKind.Array => 12,
                BtfKind.Struct or BtfKind.Union or BtfKind.DataSec or BtfKind.Enum64 => 12L * vlen,
                BtfKind.Enum or BtfKind.FuncProto => 8L * vlen,
                _ => 0,
            };
            if (kind != BtfKind.DataSec || btf.GetTypeById(id) is not BtfDataSec datasec || layout(datasec) is not { } wanted)
            {
                continue;
            }

            if (wanted.Variables.Count != vlen)
            {
                throw new ElfSpecException($"DATASEC '{datasec.Name}' has {vlen} variables, the layout {wanted.Variables.Count}", BtfSpec.ElfSectionName);
            }

            patched ??= raw.ToArray();
            Write(patched, at + 8, wanted.Size, big);
            for (int i = 0; i < vlen; i++)
            {
                int entry = at + CommonSize + (12 * i);
                Write(patched, entry, wanted.Variables[i].TypeId, big);
                Write(patched, entry + 4, wanted.Variables[i].Offset, big);
                Write(patched, entry + 8, wanted.Variables[i].Size, big);
            }
        }

        return patched;
    }

    private static void Write(byte[] bytes, int at, uint value, bool big)
    {
        if (big)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(at), value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), value);
        }
    }
}
