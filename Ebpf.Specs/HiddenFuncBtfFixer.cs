using System.Buffers.Binary;
using Ebpf.Asm;
using Ebpf.Btf;

namespace Ebpf.Specs;

/// <summary>
/// Gives the <c>FUNC</c> of each hidden global subprogram static linkage, as libbpf does before loading (its
/// <c>mark_btf_static</c>): a <c>__weak __hidden</c> helper in <c>.text</c> (usdt.bpf.h's <c>bpf_usdt_arg</c>) is then
/// verified in its caller's context rather than on its own as a global function, whose pointer arguments the
/// verifier takes as possibly null. Type ids and sizes stay as they are.
/// </summary>
internal static class HiddenFuncBtfFixer
{
    private const uint FuncStatic = 0;

    /// <summary>The fixed copy of <paramref name="raw"/>, or null when no named function has a global <c>FUNC</c>.</summary>
    /// <param name="raw">The object's <c>.BTF</c> bytes.</param>
    /// <param name="btf">The same bytes, parsed (not split).</param>
    /// <param name="hidden">The names of the hidden global functions in <c>.text</c>.</param>
    internal static byte[]? Fix(ReadOnlySpan<byte> raw, BtfSpec btf, IReadOnlyCollection<string> hidden)
    {
        if (hidden.Count == 0 || btf.Base is not null)
        {
            return null;
        }

        var ids = new List<uint>();
        foreach (string name in hidden)
        {
            // libbpf changes the first global FUNC of that name.
            if (btf.FindTypes(name, BtfKind.Func).OfType<BtfFunc>().FirstOrDefault(f => f.Linkage == BtfLinkage.Global) is { } func)
            {
                ids.Add(func.Id);
            }
        }

        if (ids.Count == 0)
        {
            return null;
        }

        var header = btf.Header;
        long typeStart = (long)header.HeaderLength + header.TypeOffset;
        long typeEnd = typeStart + header.TypeLength;
        bool big = btf.ByteOrder == ByteOrder.BigEndian;
        var positions = KsymsBtfFixer.RecordPositions(raw, btf, typeStart, typeEnd, big);
        byte[] fixedBtf = raw.ToArray();
        foreach (uint id in ids)
        {
            var info = fixedBtf.AsSpan(positions[id] + 4, 4);
            uint value = big ? BinaryPrimitives.ReadUInt32BigEndian(info) : BinaryPrimitives.ReadUInt32LittleEndian(info);
            value = (value & ~0xffffu) | FuncStatic;
            if (big)
            {
                BinaryPrimitives.WriteUInt32BigEndian(info, value);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(info, value);
            }
        }

        return fixedBtf;
    }
}
