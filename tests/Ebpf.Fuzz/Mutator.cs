using System.Buffers.Binary;

namespace Ebpf.Fuzz;

/// <summary>
/// Deterministic mutations of real inputs: truncation, bit flips, 16/32/64-bit fields forced to edge values
/// (lengths, offsets and counts), chunk duplication or removal, and splicing two inputs together.
/// </summary>
public sealed class Mutator
{
    private static readonly ulong[] Edges =
    [
        0, 1, 2, 7, 8, 0x7f, 0x80, 0xff, 0xffff, 0x1_0000, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff,
        0x1_0000_0000, 0x7fff_ffff_ffff_ffff, 0x8000_0000_0000_0000, ulong.MaxValue,
    ];

    private readonly Random _random;

    /// <summary>Creates a mutator whose choices follow <paramref name="seed"/>.</summary>
    public Mutator(int seed) => _random = new Random(seed);

    /// <summary>A mutated copy of <paramref name="input"/>; <paramref name="other"/> is used for splicing.</summary>
    public byte[] Mutate(byte[] input, byte[] other)
    {
        if (input.Length == 0)
        {
            return [(byte)_random.Next(256)];
        }

        var result = Once(input, other);
        for (int extra = _random.Next(3); extra > 0 && _random.Next(2) == 0; extra--)
        {
            result = Once(result.Length == 0 ? input : result, other);
        }

        return result;
    }

    private byte[] Once(byte[] input, byte[] other) => _random.Next(7) switch
    {
        0 => input[.._random.Next(input.Length)],
        1 => FlipBits(input),
        2 or 3 => ForceField(input),
        4 => ForceHeaderField(input),
        5 => Splice(input, other),
        _ => Chunk(input),
    };

    private byte[] FlipBits(byte[] input)
    {
        var copy = (byte[])input.Clone();
        for (int n = _random.Next(1, 9); n > 0; n--)
        {
            copy[_random.Next(copy.Length)] ^= (byte)(1 << _random.Next(8));
        }

        return copy;
    }

    // A length, offset or count anywhere: an aligned field set to an edge value, or nudged by a little.
    private byte[] ForceField(byte[] input) => Force(input, _random.Next(input.Length));

    // Headers hold the sizes and offsets everything else depends on: hit the first 64 bytes more often.
    private byte[] ForceHeaderField(byte[] input) => Force(input, _random.Next(Math.Min(64, input.Length)));

    private byte[] Force(byte[] input, int position)
    {
        var copy = (byte[])input.Clone();
        int width = 1 << _random.Next(1, 4); // 2, 4 or 8 bytes
        int at = position & ~(width - 1);
        if (at + width > copy.Length)
        {
            return FlipBits(input);
        }

        var field = copy.AsSpan(at, width);
        bool big = _random.Next(2) == 0;
        ulong current = width switch
        {
            2 => big ? BinaryPrimitives.ReadUInt16BigEndian(field) : BinaryPrimitives.ReadUInt16LittleEndian(field),
            4 => big ? BinaryPrimitives.ReadUInt32BigEndian(field) : BinaryPrimitives.ReadUInt32LittleEndian(field),
            _ => big ? BinaryPrimitives.ReadUInt64BigEndian(field) : BinaryPrimitives.ReadUInt64LittleEndian(field),
        };
        ulong value = _random.Next(3) == 0 ? current + (ulong)(_random.Next(-16, 17)) : Edges[_random.Next(Edges.Length)];
        switch (width)
        {
            case 2 when big: BinaryPrimitives.WriteUInt16BigEndian(field, (ushort)value); break;
            case 2: BinaryPrimitives.WriteUInt16LittleEndian(field, (ushort)value); break;
            case 4 when big: BinaryPrimitives.WriteUInt32BigEndian(field, (uint)value); break;
            case 4: BinaryPrimitives.WriteUInt32LittleEndian(field, (uint)value); break;
            case 8 when big: BinaryPrimitives.WriteUInt64BigEndian(field, value); break;
            default: BinaryPrimitives.WriteUInt64LittleEndian(field, value); break;
        }

        return copy;
    }

    private byte[] Splice(byte[] input, byte[] other)
    {
        if (other.Length == 0)
        {
            return FlipBits(input);
        }

        int cut = _random.Next(input.Length);
        int from = _random.Next(other.Length);
        int length = Math.Min(other.Length - from, _random.Next(1, 4096));
        var result = new byte[cut + length + Math.Max(0, input.Length - cut - length)];
        input.AsSpan(0, cut).CopyTo(result);
        other.AsSpan(from, length).CopyTo(result.AsSpan(cut));
        if (cut + length < input.Length)
        {
            input.AsSpan(cut + length).CopyTo(result.AsSpan(cut + length));
        }

        return result;
    }

    // Duplicate or remove a chunk, shifting everything after it: offsets now point at the wrong bytes.
    private byte[] Chunk(byte[] input)
    {
        int at = _random.Next(input.Length);
        int length = Math.Min(input.Length - at, _random.Next(1, 256));
        if (_random.Next(2) == 0)
        {
            return [.. input.AsSpan(0, at), .. input.AsSpan(at + length)];
        }

        return [.. input.AsSpan(0, at + length), .. input.AsSpan(at, length), .. input.AsSpan(at + length)];
    }
}
