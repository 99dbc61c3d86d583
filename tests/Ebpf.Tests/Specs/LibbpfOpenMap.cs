namespace Ebpf.Tests.Specs;

/// <summary>A map as libbpf reports it after opening an object.</summary>
public sealed record LibbpfOpenMap(string Name, uint Type, uint KeySize, uint ValueSize, uint MaxEntries, uint Flags, bool IsInternal);
