namespace Ebpf.Tests.Specs;

/// <summary>A map as libbpf sees it after <c>bpf_object__open</c>.</summary>
public sealed record LibbpfMap(string Name, LibbpfMapShape Shape, uint NumaNode, ulong MapExtra, bool Pinned, bool Internal, LibbpfMapShape? Inner);
