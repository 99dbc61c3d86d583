namespace Ebpf.Fuzz;

/// <summary>An input that broke a target: an untyped exception, too much time, or too much memory.</summary>
/// <param name="Target">The target's name.</param>
/// <param name="Seed">The seed the input was mutated from.</param>
/// <param name="Input">The failing input.</param>
/// <param name="Reason">What went wrong.</param>
public sealed record FuzzFailure(string Target, string Seed, byte[] Input, string Reason);
