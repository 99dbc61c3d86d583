namespace Ebpf.Hosting;

/// <summary>How many records of a declared size a ring holds, as the kernel lays them out.</summary>
internal static class EventCapacity
{
    /// <summary>The fewest records of the largest declared event a ring should hold; fewer logs a Warning at start.</summary>
    public const int Minimum = 64;

    /// <summary>Records of <paramref name="eventSize"/> bytes a ring buffer of <paramref name="ringSize"/> bytes holds: each takes an 8-byte header and is rounded up to 8.</summary>
    public static long RingBuffer(long ringSize, int eventSize) => ringSize / RoundUp8(8L + eventSize);

    /// <summary>Samples of <paramref name="eventSize"/> bytes a perf ring of <paramref name="ringSize"/> bytes holds: an 8-byte header and a 4-byte size each, rounded up to 8.</summary>
    public static long PerfRing(long ringSize, int eventSize) => ringSize / RoundUp8(12L + eventSize);

    /// <summary>The ring size (a power of two) that holds <see cref="Minimum"/> records of <paramref name="footprint"/> bytes.</summary>
    public static long SizeFor(long footprint) => (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)(footprint * Minimum));

    public static long RoundUp8(long bytes) => (bytes + 7) & ~7L;
}
