namespace Ebpf.Reliability;

/// <summary>The outcome of <see cref="CycleRun"/>: counts before the first cycle and after the last.</summary>
/// <param name="Cycles">Cycles run.</param>
/// <param name="Before">Counts before the first cycle (after one warm-up cycle).</param>
/// <param name="After">Counts after the last cycle.</param>
/// <param name="Elapsed">Wall-clock time of the cycles.</param>
public sealed record CycleResult(int Cycles, KernelObjectCounts Before, KernelObjectCounts After, TimeSpan Elapsed)
{
    /// <summary>Whether nothing grew: descriptors, programs, maps and links are back to where they started.</summary>
    public bool IsFlat => After.BpfFds <= Before.BpfFds && After.Fds <= Before.Fds + RuntimeFdSlack && After.Programs <= Before.Programs && After.Maps <= Before.Maps && After.Links <= Before.Links;

    /// <summary>Descriptors the runtime may open lazily during a run (assemblies, pipes); a leak per cycle shows as thousands.</summary>
    public const int RuntimeFdSlack = 8;

    /// <inheritdoc />
    public override string ToString() =>
        $"cycles: {Cycles}, fds before {Before.Fds} after {After.Fds}, BPF fds before {Before.BpfFds} after {After.BpfFds}, progs before {Before.Programs} after {After.Programs}, " +
        $"maps before {Before.Maps} after {After.Maps}, links before {Before.Links} after {After.Links}";
}
