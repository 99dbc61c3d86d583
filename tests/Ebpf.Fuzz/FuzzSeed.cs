namespace Ebpf.Fuzz;

/// <summary>A real input that mutations start from.</summary>
/// <param name="Name">Where it came from (file name).</param>
/// <param name="Bytes">Its content.</param>
public sealed record FuzzSeed(string Name, byte[] Bytes);
