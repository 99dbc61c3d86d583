namespace Ebpf.Btf;

/// <summary>A decoded BTF type. Types refer to other types by id; resolve them with <see cref="BtfSpec"/>.</summary>
public abstract class BtfType
{
    /// <summary>Initialises the common fields.</summary>
    /// <param name="id">The type id.</param>
    /// <param name="name">The name, or an empty string when anonymous.</param>
    private protected BtfType(uint id, string name)
    {
        Id = id;
        Name = name;
    }

    /// <summary>The type id (0 is <c>void</c>).</summary>
    public uint Id { get; }

    /// <summary>The name, or an empty string for an anonymous type.</summary>
    public string Name { get; }

    /// <summary>The kind of record.</summary>
    public abstract BtfKind Kind { get; }

    /// <inheritdoc />
    public override string ToString() => $"[{Id}] {Kind} '{(Name.Length == 0 ? "(anon)" : Name)}'";
}
