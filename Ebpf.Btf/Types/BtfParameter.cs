namespace Ebpf.Btf;

/// <summary>A parameter of a function prototype (<c>struct btf_param</c>).
/// A last parameter with type id 0 and no name marks a variadic function.</summary>
/// <param name="Name">The parameter name, or an empty string.</param>
/// <param name="TypeId">Id of the parameter's type.</param>
public readonly record struct BtfParameter(string Name, uint TypeId);
