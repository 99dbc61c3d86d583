namespace Ebpf.Specs;

/// <summary>What a <c>struct_ops</c> map needs beyond its <see cref="MapSpec"/>: the kernel struct and the initial value.</summary>
/// <param name="TypeName">Name of the kernel struct the map implements (for example <c>tcp_congestion_ops</c>).</param>
/// <param name="Data">The value as laid out in the object's BTF type, function pointer slots zeroed.</param>
/// <param name="Programs">Program names by member name, for the function pointer members.</param>
/// <param name="IsLink">Whether the map came from <c>.struct_ops.link</c> (attached through a link).</param>
public sealed record StructOpsSpec(string TypeName, ReadOnlyMemory<byte> Data, IReadOnlyDictionary<string, string> Programs, bool IsLink);
