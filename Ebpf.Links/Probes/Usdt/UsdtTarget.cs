namespace Ebpf.Links;

/// <summary>One site of a USDT probe to attach: where the uprobe goes and how its arguments are read.</summary>
/// <param name="Probe">The note.</param>
/// <param name="FileOffset">The file offset of the probe's instruction (the uprobe's offset).</param>
/// <param name="SemaphoreOffset">The file offset of the semaphore (the uprobe's reference counter); 0 for none.</param>
/// <param name="Arguments">The parsed arguments.</param>
internal sealed record UsdtTarget(UsdtProbe Probe, ulong FileOffset, ulong SemaphoreOffset, UsdtArgument[] Arguments);
