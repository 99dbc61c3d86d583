namespace Ebpf.Kernel;

/// <summary>
/// A histogram of equal-width slots as libbpf-tools keep them (<c>slots[(value - base) / step]++</c>): slot <c>i</c>
/// counts <see cref="Base"/> + i × <see cref="Step"/> to <see cref="Base"/> + (i + 1) × <see cref="Step"/> − 1.
/// Immutable; read it from a map with <see cref="Read(Map, ulong, ulong, HistogramLayout)"/> and its overloads, print
/// it as <c>print_linear_hist</c> does with <see cref="Write"/>, or export <see cref="Buckets"/> as metrics.
/// </summary>
public sealed class LinearHistogram
{
    private readonly ulong[] _counts;

    /// <summary>A histogram of the given slot counts (copied), the first slot starting at <paramref name="base"/>, each <paramref name="step"/> wide.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is 0.</exception>
    public LinearHistogram(ReadOnlySpan<ulong> counts, ulong @base, ulong step)
        : this(counts.ToArray(), @base, step)
    {
    }

    private LinearHistogram(ulong[] counts, ulong @base, ulong step)
    {
        ArgumentOutOfRangeException.ThrowIfZero(step);
        _counts = counts;
        Base = @base;
        Step = step;
        Buckets = HistogramCounts.Buckets(_counts, SlotBounds);
    }

    /// <summary>The smallest value slot 0 counts.</summary>
    public ulong Base { get; }

    /// <summary>The width of every slot.</summary>
    public ulong Step { get; }

    /// <summary>The count of each slot.</summary>
    public IReadOnlyList<ulong> Counts => _counts;

    /// <summary>Each slot with its bounds (<see cref="SlotBounds"/>) and count, all slots including empty ones.</summary>
    public IReadOnlyList<HistogramBucket> Buckets { get; }

    /// <summary>The sum of all counts.</summary>
    public ulong Total => HistogramCounts.Sum(_counts);

    /// <summary>The values slot <paramref name="slot"/> counts: <see cref="Base"/> + slot × <see cref="Step"/> up to the next slot's low bound − 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="slot"/> is negative.</exception>
    public (ulong Low, ulong High) SlotBounds(int slot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        ulong low = unchecked(Base + ((ulong)slot * Step));
        return (low, unchecked(low + Step - 1));
    }

    /// <summary>The histogram under the all-zero key: index 0 of an array map, or a hash map's single zero key.</summary>
    /// <param name="map">An array or hash map, per-CPU or not (CPUs are summed).</param>
    /// <param name="base">The smallest value slot 0 counts.</param>
    /// <param name="step">The width of every slot.</param>
    /// <param name="layout">Where the slots lie in the value; the default means <c>__u32</c> slots filling it (see <see cref="HistogramLayout.FromSpec"/>).</param>
    /// <exception cref="EbpfKeyNotFoundException">No element has the zero key.</exception>
    /// <exception cref="ArgumentException">The layout does not fit the map's value.</exception>
    public static LinearHistogram Read(Map map, ulong @base, ulong step, HistogramLayout layout = default) =>
        new(HistogramMapReader.ReadZeroKey(map, layout), @base, step);

    /// <summary>The histogram under <paramref name="key"/> (<see cref="Map.KeySize"/> bytes), CPUs summed for per-CPU maps.</summary>
    /// <exception cref="EbpfKeyNotFoundException">No element has the key.</exception>
    /// <exception cref="ArgumentException">The key size is wrong, or the layout does not fit the map's value.</exception>
    public static LinearHistogram Read(Map map, ReadOnlySpan<byte> key, ulong @base, ulong step, HistogramLayout layout = default) =>
        new(HistogramMapReader.Read(map, key, layout), @base, step);

    /// <summary>The histogram under <paramref name="key"/>, CPUs summed for per-CPU maps.</summary>
    /// <exception cref="EbpfKeyNotFoundException">No element has the key.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="TKey"/> is not <see cref="Map.KeySize"/> bytes, or the layout does not fit the map's value.</exception>
    public static LinearHistogram Read<TKey>(Map map, TKey key, ulong @base, ulong step, HistogramLayout layout = default)
        where TKey : unmanaged =>
        new(HistogramMapReader.Read(map, HistogramMapReader.KeyBytes(in key), layout), @base, step);

    /// <summary>One histogram per key, in the order the kernel walks the keys, CPUs summed for per-CPU maps; an array map gives every index.</summary>
    /// <exception cref="ArgumentException"><typeparamref name="TKey"/> is not <see cref="Map.KeySize"/> bytes, or the layout does not fit the map's value.</exception>
    public static IReadOnlyList<KeyValuePair<TKey, LinearHistogram>> ReadAll<TKey>(Map map, ulong @base, ulong step, HistogramLayout layout = default)
        where TKey : unmanaged =>
        HistogramMapReader.ReadAll<TKey>(map, layout).Select(entry => KeyValuePair.Create(entry.Key, new LinearHistogram(entry.Value, @base, step))).ToList();

    /// <summary>
    /// Writes the text of libbpf-tools' <c>print_linear_hist(vals, n, base, step, valueType)</c>: nothing when every
    /// slot is 0, else a header and one line per non-zero slot (its low bound, its count, a bar of 40 stars). Lines
    /// end with <c>\n</c>. Numbers print unsigned and the bar is computed without overflow, where the C function
    /// prints numbers of 2^31 and more as negative and miscounts stars for counts above 107,374,182.
    /// </summary>
    public void Write(TextWriter writer, string valueType) => HistogramText.WriteLinear(writer, _counts, Base, Step, valueType);

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
