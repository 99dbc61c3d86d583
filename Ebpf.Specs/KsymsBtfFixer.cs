using System.Buffers.Binary;
using System.Text;
using Ebpf.Asm;
using Ebpf.Btf;

namespace Ebpf.Specs;

/// <summary>
/// Makes an object's <c>.ksyms</c> <c>DATASEC</c> acceptable to the kernel, as libbpf's
/// <c>bpf_object__collect_externs</c> does: each entry becomes a 4-byte allocated variable at offset <c>4 × i</c>
/// (typed ksym <c>VAR</c>s get linkage "global allocated" and type <c>int</c>); kfunc <c>FUNC</c> entries are
/// replaced by one appended placeholder <c>VAR dummy_ksym</c> of type <c>int</c>, the <c>FUNC</c>s become global and
/// their unnamed parameters take the placeholder's name. Type ids stay as they are.
/// </summary>
internal static class KsymsBtfFixer
{
    private const string Section = ".ksyms";
    private const string Placeholder = "dummy_ksym";
    private const int CommonSize = 12;
    private const uint GlobalAllocated = 1;
    private const uint FuncGlobal = 1;

    /// <summary>The fixed copy of <paramref name="raw"/>, or null when it has no <c>.ksyms</c> DATASEC (or an unusual layout).</summary>
    /// <param name="raw">The object's <c>.BTF</c> bytes.</param>
    /// <param name="btf">The same bytes, parsed (not split).</param>
    internal static byte[]? Fix(ReadOnlySpan<byte> raw, BtfSpec btf)
    {
        if (btf.Base is not null || btf.FindTypes(Section, BtfKind.DataSec).OfType<BtfDataSec>().FirstOrDefault() is not { } datasec)
        {
            return null;
        }

        var header = btf.Header;
        long typeStart = (long)header.HeaderLength + header.TypeOffset;
        long typeEnd = typeStart + header.TypeLength;
        if (header.StringOffset != header.TypeOffset + header.TypeLength || typeEnd + header.StringLength != raw.Length)
        {
            return null; // strings do not follow the types: leave such an object alone
        }

        bool big = btf.ByteOrder == ByteOrder.BigEndian;
        var positions = RecordPositions(raw, btf, typeStart, typeEnd, big);
        bool hasFunc = datasec.Variables.Any(v => btf.TryGetTypeById(v.TypeId, out var t) && t is BtfFunc);
        uint intId = FirstInt32(btf);
        uint placeholderId = btf.LastTypeId + 1;
        uint placeholderName = header.StringLength;
        byte[] name = Encoding.ASCII.GetBytes(Placeholder + "\0");
        int added = hasFunc ? CommonSize + 4 : 0;

        var fixedBtf = new byte[raw.Length + added + (hasFunc ? name.Length : 0)];
        raw[..(int)typeEnd].CopyTo(fixedBtf);
        raw[(int)typeEnd..].CopyTo(fixedBtf.AsSpan((int)typeEnd + added));
        if (hasFunc)
        {
            int at = (int)typeEnd;
            Write(fixedBtf, at, placeholderName, big);
            Write(fixedBtf, at + 4, (uint)BtfKind.Var << 24, big);
            Write(fixedBtf, at + 8, intId, big);
            Write(fixedBtf, at + 12, GlobalAllocated, big);
            name.CopyTo(fixedBtf.AsSpan((int)(typeEnd + added + header.StringLength)));
            Write(fixedBtf, 12, header.TypeLength + (uint)added, big); // type_len
            Write(fixedBtf, 16, header.StringOffset + (uint)added, big); // str_off
            Write(fixedBtf, 20, header.StringLength + (uint)name.Length, big); // str_len
        }

        int sec = positions[datasec.Id];
        for (int i = 0; i < datasec.Variables.Count; i++)
        {
            uint typeId = datasec.Variables[i].TypeId;
            int entry = sec + CommonSize + (12 * i);
            switch (btf.TryGetTypeById(typeId, out var entryType) ? entryType : null)
            {
                case BtfFunc func:
                    int f = positions[func.Id];
                    Write(fixedBtf, f + 4, (Read(fixedBtf, f + 4, big) & ~0xffffu) | FuncGlobal, big);
                    if (btf.TryGetTypeById(func.PrototypeId, out var prototype) && prototype is BtfFuncProto proto)
                    {
                        int p = positions[proto.Id];
                        for (int j = 0; j < proto.Parameters.Count; j++)
                        {
                            if (proto.Parameters[j].TypeId != 0 && proto.Parameters[j].Name.Length == 0)
                            {
                                Write(fixedBtf, p + CommonSize + (8 * j), placeholderName, big);
                            }
                        }
                    }

                    Write(fixedBtf, entry, placeholderId, big);
                    break;
                case BtfVar var:
                    int v = positions[var.Id];
                    Write(fixedBtf, v + 8, intId, big);
                    Write(fixedBtf, v + 12, GlobalAllocated, big);
                    break;
            }

            Write(fixedBtf, entry + 4, (uint)(4 * i), big);
            Write(fixedBtf, entry + 8, 4, big);
        }

        Write(fixedBtf, sec + 8, (uint)(4 * datasec.Variables.Count), big);
        return fixedBtf;
    }

    // libbpf's find_int_btf_id: the first INT of 32 bits, or 0.
    private static uint FirstInt32(BtfSpec btf)
    {
        for (uint id = btf.FirstTypeId; id <= btf.LastTypeId; id++)
        {
            if (btf.GetTypeById(id) is BtfInt { Bits: 32 })
            {
                return id;
            }
        }

        return 0;
    }

    internal static Dictionary<uint, int> RecordPositions(ReadOnlySpan<byte> raw, BtfSpec btf, long start, long end, bool big)
    {
        var positions = new Dictionary<uint, int>();
        long position = start;
        for (uint id = btf.FirstTypeId; id <= btf.LastTypeId; id++)
        {
            if (position + CommonSize > end)
            {
                throw new ElfSpecException($"BTF type {id} lies past the type section", BtfSpec.ElfSectionName);
            }

            positions[id] = (int)position;
            uint info = big ? BinaryPrimitives.ReadUInt32BigEndian(raw[((int)position + 4)..]) : BinaryPrimitives.ReadUInt32LittleEndian(raw[((int)position + 4)..]);
            var kind = (BtfKind)((info >> 24) & 0x1f);
            long vlen = info & 0xffff;
            position += CommonSize + kind switch
            {
                BtfKind.Int or BtfKind.Var or BtfKind.DeclTag => 4,
                BtfKind.Array => 12,
                BtfKind.Struct or BtfKind.Union or BtfKind.DataSec or BtfKind.Enum64 => 12 * vlen,
                BtfKind.Enum or BtfKind.FuncProto => 8 * vlen,
                _ => 0,
            };
        }

        return positions;
    }

    private static uint Read(byte[] bytes, int at, bool big) =>
        big ? BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at)) : BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at));

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
