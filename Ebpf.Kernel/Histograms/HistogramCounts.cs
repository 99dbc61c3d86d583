namespace Ebpf.Kernel;

/// <summary>What <see cref="Log2Histogram"/> and <see cref="LinearHistogram"/> compute alike from their slot counts.</summary>
internal static class HistogramCounts
{
    /// <summary>The sum of <paramref name="counts"/>, wrapping as the kernel's counters do.</summary>
    public static ulong Sum(ulong[] counts)
    {
        ulong total = 0;
        foreach (ulong count in counts)
        {
            total = unchecked(total + count);
        }

        return total;
    }

    /// <summary>Every slot with the bounds <paramref name="bounds"/> gives it and its count.</summary>
    public static IReadOnlyList<HistogramBucket> Buckets(ulong[] counts, Func<int, (ulong Low, ulong High)> bounds)
    {
        var buckets = new HistogramBucket[counts.Length];
        for (int i = 0; i < counts.Length; i++)
        {
            var (low, high) = bounds(i);
            buckets[i] = new HistogramBucket(low, high, counts[i]);
        }

        return Array.AsReadOnly(buckets);
    }
}
