namespace Ebpf.Specs;

/// <summary>
/// One initial entry of a map: raw key and value bytes in the object's byte order, or, for program arrays and
/// map-in-maps, the name of the program or map whose file descriptor becomes the value at load time.
/// </summary>
/// <param name="Key">The key bytes (<see cref="MapSpec.KeySize"/> long).</param>
/// <param name="Value">The value bytes (<see cref="MapSpec.ValueSize"/> long); empty when <paramref name="ValueReference"/> is set.</param>
/// <param name="ValueReference">Name of the program (program array) or map (map-in-map) to store, or null.</param>
public sealed record MapEntry(ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte> Value, string? ValueReference = null)
{
    /// <summary>
    /// Whether <see cref="Value"/> is a zero-filled section's value (<c>.bss</c>) that nothing has read or written
    /// yet, so it is all zeros and not allocated: a loader may skip writing it into a new array map (the kernel
    /// zeroes those). Reading <see cref="Value"/>'s span allocates it.
    /// </summary>
    public bool IsUntouchedZeros => ZeroFilledMemory.IsUntouched(Value);
}
