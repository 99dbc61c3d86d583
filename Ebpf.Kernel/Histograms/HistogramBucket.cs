namespace Ebpf.Kernel;

/// <summary>One slot of a histogram: the values it counts, <paramref name="Low"/> to <paramref name="High"/> inclusive, and how many were counted.</summary>
/// <param name="Low">The smallest value the slot counts.</param>
/// <param name="High">The largest value the slot counts.</param>
/// <param name="Count">The number of values counted in the slot.</param>
public readonly record struct HistogramBucket(ulong Low, ulong High, ulong Count);
