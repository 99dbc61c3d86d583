using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Ebpf.Btf;

public sealed partial class BtfSpec
{
    // Exact-name index over the raw UTF-8 names: no strings are made, so a lazy open plus a few lookups stays cheap.
    // _nameBuckets[hash & mask] holds 1 + the local index of the first type in a chain, _nameNext[i] the next (0 ends).
    private NameHashIndex? _nameHash;

    /// <summary>Local indexes of this blob's types named exactly <paramref name="utf8Name"/>, in id order.</summary>
    private void AddExactMatches(ReadOnlySpan<byte> utf8Name, BtfKind? kind, List<uint> result, int insertAt)
    {
        var index = LazyInitializer.EnsureInitialized(ref _nameHash, BuildNameHash);
        var span = _raw.Span;
        ref byte data = ref MemoryMarshal.GetReference(span);
        int at = insertAt;
        for (int entry = index.Buckets[Hash(utf8Name) & index.Mask]; entry != 0; entry = index.Next[entry - 1])
        {
            int offset = _offsets[entry - 1];
            uint info = Word(ref data, offset + 4, _bigEndian);
            if (kind is { } k && (BtfKind)((info >> 24) & 0x1f) != k)
            {
                continue;
            }

            if (NameBytes(Word(ref data, offset, _bigEndian)).SequenceEqual(utf8Name))
            {
                result.Insert(at++, FirstTypeId + (uint)(entry - 1));
            }
        }
    }

    /// <summary>The UTF-8 bytes of a string, without its NUL; the offset may point into a base's strings.</summary>
    private ReadOnlySpan<byte> NameBytes(uint offset)
    {
        var spec = this;
        while (offset < spec.StringOffsetBase && spec.Base is not null)
        {
            spec = spec.Base;
        }

        uint local = offset - spec.StringOffsetBase;
        if (local >= (uint)spec._stringLength)
        {
            return default;
        }

        var rest = spec._raw.Span.Slice(spec._stringStart + (int)local, spec._stringLength - (int)local);
        int nul = rest.IndexOf((byte)0);
        return nul < 0 ? rest : rest[..nul];
    }

    private NameHashIndex BuildNameHash()
    {
        int count = _offsets.Length;
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(count, 16));
        var buckets = new int[size];
        var next = new int[count];
        int mask = size - 1;
        var span = _raw.Span;
        ref byte data = ref MemoryMarshal.GetReference(span);
        var strings = span.Slice(_stringStart, _stringLength);

        // Walk backwards and push on the chain fronts, so chains come out in id order.
        for (int i = count - 1; i >= 0; i--)
        {
            uint nameOffset = Word(ref data, _offsets[i], _bigEndian);
            if (nameOffset == 0)
            {
                continue;
            }

            uint hash = nameOffset >= StringOffsetBase && nameOffset - StringOffsetBase < (uint)_stringLength
                ? HashAt(strings, (int)(nameOffset - StringOffsetBase))
                : Hash(NameBytes(nameOffset));
            ref int bucket = ref buckets[hash & mask];
            next[i] = bucket;
            bucket = i + 1;
        }

        return new NameHashIndex(buckets, next, mask);
    }

    /// <summary>Hash of the NUL-terminated name starting at <paramref name="start"/>; equal to <see cref="Hash"/> of its bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint HashAt(ReadOnlySpan<byte> strings, int start)
    {
        uint hash = 2166136261;
        for (int i = start; i < strings.Length; i++)
        {
            byte b = strings[i];
            if (b == 0)
            {
                break;
            }

            hash = (hash ^ b) * 16777619;
        }

        return hash;
    }

    private static uint Hash(ReadOnlySpan<byte> name)
    {
        uint hash = 2166136261;
        foreach (byte b in name)
        {
            hash = (hash ^ b) * 16777619;
        }

        return hash;
    }

    private sealed record NameHashIndex(int[] Buckets, int[] Next, int Mask);
}
