namespace Ebpf.Btf.Marshaling;

public sealed partial class BtfBuilder
{
    /// <summary>Adds an integer (<c>btf__add_int</c>).</summary>
    /// <param name="name">The name, e.g. <c>unsigned int</c>.</param>
    /// <param name="size">Size in bytes: 1, 2, 4, 8 or 16.</param>
    /// <param name="encoding">Signed, char or bool.</param>
    /// <returns>The type id.</returns>
    public uint AddInt(string name, uint size, BtfIntEncoding encoding = BtfIntEncoding.None) =>
        Add(new BtfInt(0, name, size, encoding, 0, (byte)Math.Min(size * 8, 255)));

    /// <summary>Adds a pointer to a type.</summary>
    /// <param name="targetId">The pointed-to type's id (0 for <c>void *</c>).</param>
    /// <returns>The type id.</returns>
    public uint AddPointer(uint targetId) => Add(new BtfPointer(0, "", targetId));

    /// <summary>Adds a typedef.</summary>
    /// <param name="name">The name.</param>
    /// <param name="targetId">The aliased type's id.</param>
    /// <returns>The type id.</returns>
    public uint AddTypedef(string name, uint targetId) => Add(new BtfTypedef(0, name, targetId));

    /// <summary>Adds an array.</summary>
    /// <param name="elementTypeId">The element type's id.</param>
    /// <param name="indexTypeId">The index type's id (an int).</param>
    /// <param name="count">Number of elements.</param>
    /// <returns>The type id.</returns>
    public uint AddArray(uint elementTypeId, uint indexTypeId, uint count) =>
        Add(new BtfArray(0, "", elementTypeId, indexTypeId, count));

    /// <summary>Adds a struct; bitfield encoding is used when a member is a bitfield.</summary>
    /// <param name="name">The name, or empty for an anonymous struct.</param>
    /// <param name="size">Size in bytes.</param>
    /// <param name="members">The members, with bit offsets.</param>
    /// <returns>The type id.</returns>
    public uint AddStruct(string name, uint size, IReadOnlyList<BtfMember> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        return Add(new BtfStruct(0, name, size, members.Any(m => m.BitfieldSize != 0), members));
    }

    /// <summary>Adds a union; bitfield encoding is used when a member is a bitfield.</summary>
    /// <param name="name">The name, or empty for an anonymous union.</param>
    /// <param name="size">Size in bytes.</param>
    /// <param name="members">The members.</param>
    /// <returns>The type id.</returns>
    public uint AddUnion(string name, uint size, IReadOnlyList<BtfMember> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        return Add(new BtfUnion(0, name, size, members.Any(m => m.BitfieldSize != 0), members));
    }

    /// <summary>Adds a forward declaration of a struct or union.</summary>
    /// <param name="name">The name.</param>
    /// <param name="isUnion">Whether it declares a union.</param>
    /// <returns>The type id.</returns>
    public uint AddForward(string name, bool isUnion = false) => Add(new BtfForward(0, name, isUnion));
}
