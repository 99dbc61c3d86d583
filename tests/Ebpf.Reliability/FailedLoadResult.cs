namespace Ebpf.Reliability;

/// <summary>The outcome of <see cref="FailedLoadRun"/>.</summary>
/// <param name="Loads">Failed loads run.</param>
/// <param name="Before">Counts before the first measured load (after one warm-up load).</param>
/// <param name="After">Counts after the last load.</param>
/// <param name="PinsLeft">Pins found in the bpffs afterwards (none expected).</param>
/// <param name="FirstError">The first line of the verifier error of the last load.</param>
public sealed record FailedLoadResult(int Loads, KernelObjectCounts Before, KernelObjectCounts After, IReadOnlyList<string> PinsLeft, string FirstError)
{
    /// <summary>Whether the failed loads left nothing: no descriptor, program, map, link or pin.</summary>
    public bool LeftNothing => PinsLeft.Count == 0 && After.BpfFds <= Before.BpfFds && After.Fds <= Before.Fds + RuntimeFdSlack && After.Programs <= Before.Programs && After.Maps <= Before.Maps && After.Links <= Before.Links;

    /// <summary>Descriptors the runtime may open lazily during a run (assemblies, pipes); a leak per cycle shows as thousands.</summary>
    public const int RuntimeFdSlack = 8;

    /// <inheritdoc />
    public override string ToString() =>
        $"failed-load: {Loads}, fds before {Before.Fds} after {After.Fds}, BPF fds before {Before.BpfFds} after {After.BpfFds}, progs before {Before.Programs} after {After.Programs}, " +
        $"maps before {Before.Maps} after {After.Maps}, links before {Before.Links} after {After.Links}, pins left {PinsLeft.Count}";
}
