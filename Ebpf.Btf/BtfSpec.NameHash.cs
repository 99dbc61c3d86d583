using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ebpf.Btf;

public sealed partial class BtfSpec
{
    // Exact-name indexes over the raw UTF-8 names: no strings are made, so a lazy open plus a few lookups stays cheap.
    // One index covers every named type; one per kind covers that kind only, so a lookup by name and kind hashes
    // only the names of that kind (a few thousand structs rather than every function and parameter list).
    private NameHashIndex? _nameHash;
    private NameHashIndex?[]? _kindNameHash;
    private NameHashIndex? _essentialNameHash; // by names without their CO-RE flavor suffix, for CO-RE candidates

    /// <summary>Adds the ids of this blob's types named exactly <paramref name="utf8Name"/> to <paramref name="result"/>, in id order.</summary>
    private void AddExactMatches(ReadOnlySpan<byte> utf8Name, BtfKind? kind, List<uint> result, int insertAt)
    {
        NameHashIndex index;
        if (kind is { } k && (uint)k < 32)
        {
            var perKind = LazyInitializer.EnsureInitialized(ref _kindNameHash, () => new NameHashIndex?[32]);
            index = Volatile.Read(ref perKind[(int)k]) ?? Interlocked.CompareExchange(ref perKind[(int)k], BuildNameHash(k), null) ?? perKind[(int)k]!;
        }
        else
        {
            index = LazyInitializer.EnsureInitialized(ref _nameHash, () => BuildNameHash(null));
        }

        var span = _raw.Span;
        ref byte data = ref MemoryMarshal.GetReference(span);
        int at = insertAt;
        for (int entry = index.Buckets[Hash(utf8Name) & index.Mask]; entry != 0; entry = index.Next[entry - 1])
        {
            int local = index.Types[entry - 1];
            int offset = _offsets[local];
            if (kind is { } wanted && (BtfKind)((Word(ref data, offset + 4, _bigEndian) >> 24) & 0x1f) != wanted)
            {
                continue;
            }

            if (NameBytes(Word(ref data, offset, _bigEndian)).SequenceEqual(utf8Name))
            {
                result.Insert(at++, FirstTypeId + (uint)local);
            }
        }
    }

    /// <summary>
    /// Adds the ids of this blob's types whose name without its flavor suffix is <paramref name="utf8Essential"/> to
    /// <paramref name="result"/>, in id order.
    /// </summary>
    private void AddFlavorMatches(ReadOnlySpan<byte> utf8Essential, BtfKind? kind, List<uint> result, int insertAt)
    {
        var index = LazyInitializer.EnsureInitialized(ref _essentialNameHash, BuildEssentialNameHash);
        var span = _raw.Span;
        ref byte data = ref MemoryMarshal.GetReference(span);
        int at = insertAt;
        for (int entry = index.Buckets[Hash(utf8Essential) & index.Mask]; entry != 0; entry = index.Next[entry - 1])
        {
            int local = index.Types[entry - 1];
            int offset = _offsets[local];
            if (kind is { } wanted && (BtfKind)((Word(ref data, offset + 4, _bigEndian) >> 24) & 0x1f) != wanted)
            {
                continue;
            }

            if (EssentialBytes(NameBytes(Word(ref data, offset, _bigEndian))).SequenceEqual(utf8Essential))
            {
                result.Insert(at++, FirstTypeId + (uint)local);
            }
        }
    }

    /// <summary>A UTF-8 name without its flavor suffix, as <see cref="EssentialName"/> cuts it.</summary>
    private static ReadOnlySpan<byte> EssentialBytes(ReadOnlySpan<byte> name)
    {
        if (name.IndexOf("___"u8) < 0)
        {
            return name;
        }

        for (int i = name.Length - 5; i >= 0; i--)
        {
            if (name[i] != '_' && name[i + 1] == '_' && name[i + 2] == '_' && name[i + 3] == '_' && name[i + 4] != '_')
            {
                return name[..(i + 1)];
            }
        }

        return name;
    }

    /// <summary>The index of every named type by its name without flavor suffix; chains in id order.</summary>
    private NameHashIndex BuildEssentialNameHash()
    {
        ref byte data = ref MemoryMarshal.GetReference(_raw.Span);
        var types = NamedTypes(kind: null);
        var chains = new NameHashChains(types.Length);
        for (int j = types.Length - 1; j >= 0; j--)
        {
            chains.Push(j, Hash(EssentialBytes(NameBytes(Word(ref data, _offsets[types[j]], _bigEndian)))));
        }

        return chains.Index(types);
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

    private NameHashIndex BuildNameHash(BtfKind? kind)
    {
        var span = _raw.Span;
        ref byte data = ref MemoryMarshal.GetReference(span);
        var strings = span.Slice(_stringStart, _stringLength);
        var types = NamedTypes(kind);
        var chains = new NameHashChains(types.Length);
        for (int j = types.Length - 1; j >= 0; j--)
        {
            uint nameOffset = Word(ref data, _offsets[types[j]], _bigEndian);
            uint hash = nameOffset >= StringOffsetBase && nameOffset - StringOffsetBase < (uint)_stringLength
                ? HashAt(strings, (int)(nameOffset - StringOffsetBase))
                : Hash(NameBytes(nameOffset));
            chains.Push(j, hash);
        }

        return chains.Index(types);
    }

    /// <summary>The local indexes of the named types of <paramref name="kind"/> (or of any kind), in id order.</summary>
    private int[] NamedTypes(BtfKind? kind)
    {
        ref byte data = ref MemoryMarshal.GetReference(_raw.Span);
        var scratch = ArrayPool<int>.Shared.Rent(Math.Max(1, _offsets.Length));
        int count = 0;
        for (int i = 0; i < _offsets.Length; i++)
        {
            int offset = _offsets[i];
            if (Word(ref data, offset, _bigEndian) != 0
                && (kind is null || (BtfKind)((Word(ref data, offset + 4, _bigEndian) >> 24) & 0x1f) == kind))
            {
                scratch[count++] = i;
            }
        }

        var types = scratch.AsSpan(0, count).ToArray();
        ArrayPool<int>.Shared.Return(scratch);
        return types;
    }

    /// <summary>
    /// The buckets and chains of a name index being built: pushing entries from the last to the first puts each at its
    /// chain's front, so chains come out in id order.
    /// </summary>
    private readonly struct NameHashChains(int count)
    {
        private readonly int[] _buckets = new int[(int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(count, 16))];
        private readonly int[] _next = new int[count];

        public void Push(int entry, uint hash)
        {
            ref int bucket = ref _buckets[hash & (uint)(_buckets.Length - 1)];
            _next[entry] = bucket;
            bucket = entry + 1;
        }

        public NameHashIndex Index(int[] types) => new(types, _buckets, _next, _buckets.Length - 1);
    }

    /// <summary>Hash of the NUL-terminated name starting at <paramref name="start"/>; equal to <see cref="Hash"/> of its bytes.
    /// Only the first 16 bytes count, read 8 at a time: names that share a 16-byte prefix share a chain.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint HashAt(ReadOnlySpan<byte> strings, int start)
    {
        if (strings.Length - start < 16)
        {
            var rest = strings[start..];
            int nul = rest.IndexOf((byte)0);
            return Hash(nul < 0 ? rest : rest[..nul]);
        }

        ref byte p = ref Unsafe.Add(ref MemoryMarshal.GetReference(strings), start);
        ulong first = Unsafe.ReadUnaligned<ulong>(ref p);
        ulong second = 0;
        if (!BitConverter.IsLittleEndian)
        {
            first = BinaryPrimitives.ReverseEndianness(first);
        }

        if (!KeepBeforeNul(ref first))
        {
            second = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, 8));
            if (!BitConverter.IsLittleEndian)
            {
                second = BinaryPrimitives.ReverseEndianness(second);
            }

            KeepBeforeNul(ref second);
        }

        return Mix(first, second);
    }

    /// <summary>Zeroes the bytes from the first NUL on (little-endian order); returns whether there was a NUL.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool KeepBeforeNul(ref ulong value)
    {
        ulong zeros = (value - 0x0101010101010101UL) & ~value & 0x8080808080808080UL;
        if (zeros == 0)
        {
            return false;
        }

        int bytes = BitOperations.TrailingZeroCount(zeros) >> 3;
        value = bytes == 0 ? 0 : value & (ulong.MaxValue >> (64 - (8 * bytes)));
        return true;
    }

    /// <summary>Hash of a name's bytes (no NUL); only the first 16 bytes count.</summary>
    private static uint Hash(ReadOnlySpan<byte> name)
    {
        Span<byte> padded = stackalloc byte[16];
        padded.Clear();
        name[..Math.Min(name.Length, 16)].CopyTo(padded);
        return Mix(BinaryPrimitives.ReadUInt64LittleEndian(padded), BinaryPrimitives.ReadUInt64LittleEndian(padded[8..]));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Mix(ulong first, ulong second)
    {
        ulong h = (first * 0x9E3779B97F4A7C15UL) ^ (BitOperations.RotateLeft(second * 0xC2B2AE3D27D4EB4FUL, 31));
        h ^= h >> 29;
        h *= 0xBF58476D1CE4E5B9UL;
        return (uint)(h ^ (h >> 32));
    }

    private sealed record NameHashIndex(int[] Types, int[] Buckets, int[] Next, int Mask);
}
