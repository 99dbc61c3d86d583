namespace Ebpf.Kernel;

/// <summary>
/// A power-of-two histogram as libbpf-tools keep them (<c>struct hist { __u32 slots[MAX_SLOTS]; }</c>, filled with
/// <c>slots[log2l(value)]++</c>): slot 0 counts 0 and 1, slot <c>i</c> counts 2^i to 2^(i+1) − 1. Immutable; read it
/// from a map with <see cref="Read(Map, HistogramLayout)"/> and its overloads, print it as <c>print_log2_hist</c> does
/// with <see cref="Write"/>, or export <see cref="Buckets"/> as metrics.
/// </summary>
public sealed class Log2Histogram
{
    /// <summary>The most slots a log2 histogram of 64-bit values has.</summary>
    public const int MaxSlots = 64;

    private readonly ulong[] _counts;

    /// <summary>A histogram of the given slot counts (copied).</summary>
    /// <exception cref="ArgumentException">More than <see cref="MaxSlots"/> slots.</exception>
    public Log2Histogram(ReadOnlySpan<ulong> counts)
        : this(counts.ToArray())
    {
    }

    private Log2Histogram(ulong[] counts)
    {
        if (counts.Length > MaxSlots)
        {
            throw new ArgumentException($"a log2 histogram has at most {MaxSlots} slots, not {counts.Length}", nameof(counts));
        }

        _counts = counts;
        Buckets = HistogramCounts.Buckets(_counts, SlotBounds);
    }

    /// <summary>The count of each slot.</summary>
    public IReadOnlyList<ulong> Counts => _counts;

    /// <summary>Each slot with its bounds (<see cref="SlotBounds"/>) and count, all slots including empty ones.</summary>
    public IReadOnlyList<HistogramBucket> Buckets { get; }

    /// <summary>The sum of all counts.</summary>
    public ulong Total => HistogramCounts.Sum(_counts);

    /// <summary>The values slot <paramref name="slot"/> counts: 0 to 1 for slot 0, else 2^slot to 2^(slot+1) − 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="slot"/> is negative or not below <see cref="MaxSlots"/>.</exception>
    public static (ulong Low, ulong High) SlotBounds(int slot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(slot, MaxSlots);
        ulong high = slot == MaxSlots - 1 ? ulong.MaxValue : (1UL << (slot + 1)) - 1;
        return (slot == 0 ? 0 : 1UL << slot, high);
    }

    /// <summary>The slot that counts <paramref name="value"/>: floor(log2(value)), 0 for 0 and 1 (libbpf-tools' <c>log2l</c>).</summary>
    public static int SlotOf(ulong value) => value == 0 ? 0 : 63 - System.Numerics.BitOperations.LeadingZeroCount(value);

    /// <summary>The histogram under the all-zero key: index 0 of an array map, or a hash map's single zero key.</summary>
    /// <param name="map">An array or hash map, per-CPU or not (CPUs are summed).</param>
    /// <param name="layout">Where the slots lie in the value; the default means <c>__u32</c> slots filling it (see <see cref="HistogramLayout.FromSpec"/>).</param>
    /// <exception cref="EbpfKeyNotFoundException">No element has the zero key.</exception>
    /// <exception cref="ArgumentException">The layout does not fit the map's value.</exception>
    public static Log2Histogram Read(Map map, HistogramLayout layout = default) =>
        new(HistogramMapReader.ReadZeroKey(map, layout));

    /// <summary>The histogram under <paramref name="key"/> (<see cref="Map.KeySize"/> bytes), CPUs summed for per-CPU maps.</summary>
    /// <exception cref="EbpfKeyNotFoundException">No element has the key.</exception>
    /// <exception cref="ArgumentException">The key size is wrong, or the layout does not fit the map's value.</exception>
    public static Log2Histogram Read(Map map, ReadOnlySpan<byte> key, HistogramLayout layout = default) =>
        new(HistogramMapReader.Read(map, key, layout));

    /// <summary>The histogram under <paramref name="key"/>, CPUs summed for per-CPU maps.</summary>
    /// <exception cref="EbpfKeyNotFoundException">No element has the key.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="TKey"/> is not <see cref="Map.KeySize"/> bytes, or the layout does not fit the map's value.</exception>
    public static Log2Histogram Read<TKey>(Map map, TKey key, HistogramLayout layout = default)
        where TKey : unmanaged =>
        new(HistogramMapReader.Read(map, HistogramMapReader.KeyBytes(in key), layout));

    /// <summary>
    /// One histogram per key (a disk, a pid, ...), in the order the kernel walks the keys, CPUs summed for per-CPU
    /// maps. An array map gives every index, empty ones included (their <see cref="Total"/> is 0).
    /// </summary>
    /// <exception cref="ArgumentException"><typeparamref name="TKey"/> is not <see cref="Map.KeySize"/> bytes, or the layout does not fit the map's value.</exception>
    public static IReadOnlyList<KeyValuePair<TKey, Log2Histogram>> ReadAll<TKey>(Map map, HistogramLayout layout = default)
        where TKey : unmanaged =>
        HistogramMapReader.ReadAll<TKey>(map, layout).Select(entry => KeyValuePair.Create(entry.Key, new Log2Histogram(entry.Value))).ToList();

    /// <summary>
    /// Writes the text of libbpf-tools' <c>print_log2_hist(vals, n, valueType)</c>: nothing when every slot is 0, else a
    /// header and the slots up to the last non-zero one. Bounds take 10 characters and the bar 40 stars while the last
    /// slot is at most 32, else 20 characters and 20 stars. Lines end with <c>\n</c>. Counts print unsigned and the
    /// bar is computed without overflow, where the C function prints counts of 2^31 and more as negative numbers and
    /// miscounts stars for counts above 107,374,182.
    /// </summary>
    public void Write(TextWriter writer, string valueType) => HistogramText.WriteLog2(writer, _counts, valueType);

    /// <summary>The text <see cref="Write"/> writes.</summary>
    public string ToString(string valueType)
    {
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        Write(writer, valueType);
        return writer.ToString();
    }

    /// <summary>The text of <see cref="Write"/> with the value type <c>value</c>.</summary>
    public override string ToString() => ToString("value");
}
