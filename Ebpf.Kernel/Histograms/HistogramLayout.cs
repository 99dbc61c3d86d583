using Ebpf.Btf;

namespace Ebpf.Kernel;

/// <summary>
/// Where the slot counters of a histogram lie in a map value: <paramref name="SlotCount"/> unsigned counters of
/// <paramref name="SlotSize"/> bytes (4 for <c>__u32</c>, 8 for <c>__u64</c>) from byte <paramref name="Offset"/>, as
/// in libbpf-tools' <c>struct hist { __u32 slots[MAX_SLOTS]; ... }</c>. The default value means "the whole value is
/// <c>__u32</c> slots"; <see cref="FromSpec"/> reads the layout from the map's BTF.
/// </summary>
/// <param name="SlotSize">Bytes per slot: 4 or 8 (0 in the default value).</param>
/// <param name="SlotCount">Number of slots (0 in the default value).</param>
/// <param name="Offset">Byte offset of the first slot in the value.</param>
public readonly record struct HistogramLayout(int SlotSize, int SlotCount, int Offset = 0)
{
    /// <summary>True for the default value, which <see cref="Resolve"/> turns into <c>__u32</c> slots filling the value.</summary>
    public bool IsDefault => SlotSize == 0 && SlotCount == 0 && Offset == 0;

    /// <summary>A value that is nothing but <paramref name="slotSize"/>-byte slots: <paramref name="valueSize"/> / <paramref name="slotSize"/> of them.</summary>
    /// <exception cref="ArgumentException"><paramref name="slotSize"/> is not 4 or 8, or does not divide <paramref name="valueSize"/>.</exception>
    public static HistogramLayout ForValueSize(uint valueSize, int slotSize = 4)
    {
        CheckSlotSize(slotSize);
        if (valueSize == 0 || valueSize % (uint)slotSize != 0)
        {
            throw new ArgumentException($"a {valueSize}-byte value is not a whole number of {slotSize}-byte slots", nameof(valueSize));
        }

        return new HistogramLayout(slotSize, (int)(valueSize / (uint)slotSize));
    }

    /// <summary>
    /// The layout the map's BTF gives: a value that is an array of integers, or a struct whose member <c>slots</c>
    /// is one (libbpf-tools' <c>struct hist</c>, which may carry more members such as <c>comm</c>). Without BTF, the
    /// value is taken as <c>__u32</c> slots (<see cref="ForValueSize"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The BTF value type has no integer array to count in.</exception>
    public static HistogramLayout FromSpec(MapSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Btf is not { } btf || spec.Value is not { } value)
        {
            return ForValueSize(spec.ValueSize);
        }

        var type = btf.ResolveUnderlying(value.Id);
        if (type is BtfArray array)
        {
            return FromArray(btf, array, 0, spec.Name);
        }

        if (type is BtfStruct composite)
        {
            foreach (var member in composite.Members)
            {
                if (member.Name == "slots" && btf.ResolveUnderlying(member.TypeId) is BtfArray slots)
                {
                    return FromArray(btf, slots, (int)(member.BitOffset / 8), spec.Name);
                }
            }
        }

        throw new ArgumentException($"map {spec.Name}: the value type {type} is neither an integer array nor a struct with a 'slots' array", nameof(spec));
    }

    /// <summary>This layout, or for the default value <c>__u32</c> slots filling <paramref name="valueSize"/>; checked against the value size.</summary>
    /// <exception cref="ArgumentException">The slots do not fit in <paramref name="valueSize"/> bytes, or the slot size is not 4 or 8.</exception>
    public HistogramLayout Resolve(uint valueSize)
    {
        if (IsDefault)
        {
            return ForValueSize(valueSize);
        }

        CheckSlotSize(SlotSize);
        if (SlotCount <= 0 || Offset < 0 || (long)Offset + ((long)SlotCount * SlotSize) > valueSize)
        {
            throw new ArgumentException($"{SlotCount} slots of {SlotSize} bytes at offset {Offset} do not fit in a {valueSize}-byte value");
        }

        return this;
    }

    private static HistogramLayout FromArray(BtfSpec btf, BtfArray array, int offset, string mapName)
    {
        if (btf.ResolveUnderlying(array.ElementTypeId) is not BtfInt { Size: 4 or 8 } element)
        {
            throw new ArgumentException($"map {mapName}: histogram slots must be 4- or 8-byte integers");
        }

        return new HistogramLayout((int)element.Size, (int)array.Count, offset);
    }

    private static void CheckSlotSize(int slotSize)
    {
        if (slotSize is not (4 or 8))
        {
            throw new ArgumentException($"histogram slots are 4 or 8 bytes, not {slotSize}", nameof(slotSize));
        }
    }
}
