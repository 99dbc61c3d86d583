using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>Operations of maps without keys: queues, stacks and bloom filters.</summary>
public sealed partial class Map
{
    /// <summary>Pushes <paramref name="value"/> onto a queue or stack, or adds it to a bloom filter.</summary>
    /// <param name="value">The value bytes.</param>
    /// <param name="flags"><see cref="MapUpdateFlags.Exist"/> drops the oldest element of a full queue or stack instead of failing.</param>
    /// <exception cref="EbpfException">The map is full (E2BIG) or has keys.</exception>
    public void Push(ReadOnlySpan<byte> value, MapUpdateFlags flags = MapUpdateFlags.Any) => Update(ReadOnlySpan<byte>.Empty, value, flags);

    /// <summary>Pushes <paramref name="value"/> onto a queue or stack, or adds it to a bloom filter.</summary>
    /// <exception cref="EbpfException">The map is full (E2BIG) or has keys.</exception>
    public void Push<TValue>(in TValue value, MapUpdateFlags flags = MapUpdateFlags.Any)
        where TValue : unmanaged => Update(ReadOnlySpan<byte>.Empty, Bytes(in value), flags);

    /// <summary>Removes the head of a queue (the top of a stack) into <paramref name="value"/>; false when empty.</summary>
    public bool TryPop(Span<byte> value) => TryLookupAndDelete(ReadOnlySpan<byte>.Empty, value);

    /// <summary>Removes the head of a queue (the top of a stack); false when empty.</summary>
    public bool TryPop<TValue>(out TValue value)
        where TValue : unmanaged
    {
        value = default;
        return TryLookupAndDelete(ReadOnlySpan<byte>.Empty, WritableBytes(ref value));
    }

    /// <summary>Copies the head of a queue (the top of a stack) into <paramref name="value"/> without removing it; false when empty.</summary>
    public bool TryPeek(Span<byte> value) => TryLookup(ReadOnlySpan<byte>.Empty, value);

    /// <summary>Reads the head of a queue (the top of a stack) without removing it; false when empty.</summary>
    public bool TryPeek<TValue>(out TValue value)
        where TValue : unmanaged
    {
        value = default;
        return TryLookup(ReadOnlySpan<byte>.Empty, WritableBytes(ref value));
    }

    /// <summary>Whether a bloom filter may contain <paramref name="value"/> (false means certainly not).</summary>
    /// <exception cref="ArgumentException">The value has the wrong size.</exception>
    public unsafe bool MayContain(ReadOnlySpan<byte> value)
    {
        CheckKey(0);
        CheckValue(value.Length);
        fixed (byte* v = value)
        {
            // The kernel reads the value for a bloom filter lookup and writes nothing back.
            return NotFoundIsFalse(Elem(BpfCommand.MapLookupElem, null, v, BpfElemFlags.Any), BpfCommand.MapLookupElem);
        }
    }

    /// <summary>Whether a bloom filter may contain <paramref name="value"/> (false means certainly not).</summary>
    public bool MayContain<TValue>(in TValue value)
        where TValue : unmanaged => MayContain(Bytes(in value));
}
