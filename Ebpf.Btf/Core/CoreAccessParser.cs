namespace Ebpf.Btf;

/// <summary>Resolves a relocation's access string against the program's own BTF (libbpf's <c>bpf_core_parse_spec</c>).</summary>
internal static class CoreAccessParser
{
    /// <summary>Parses the access string of <paramref name="relocation"/> against <paramref name="btf"/>.</summary>
    /// <exception cref="CoreRelocationException">The access string is malformed or does not fit the type.</exception>
    public static CoreAccessSpec Parse(BtfSpec btf, CoreRelocation relocation)
    {
        var kind = relocation.Kind;
        if (relocation.AccessString.Length == 0 || relocation.AccessString[0] == ':')
        {
            throw Error(relocation, "empty access string");
        }

        var raw = relocation.Accessors;
        if (raw.Count == 0)
        {
            throw Error(relocation, "access string is not a list of indexes");
        }

        if (raw.Count > CoreAccessSpec.MaxLength)
        {
            throw Error(relocation, $"access string has more than {CoreAccessSpec.MaxLength} steps");
        }

        if (!btf.TryGetTypeById(relocation.TypeId, out _) || relocation.TypeId == 0)
        {
            throw Error(relocation, $"type id {relocation.TypeId} is not in the program's BTF");
        }

        var spec = new CoreAccessSpec(btf, relocation.TypeId, kind);
        spec.Raw.AddRange(raw);
        if (CoreKinds.IsTypeBased(kind))
        {
            return raw is [0] ? spec : throw Error(relocation, "type relocations take access string 0");
        }

        uint id = btf.ResolveUnderlyingId(relocation.TypeId);
        var type = btf.GetTypeById(id);
        if (CoreKinds.IsEnumValueBased(kind))
        {
            if (type is not BtfEnumeration e || raw.Count != 1 || raw[0] >= e.Values.Count)
            {
                throw Error(relocation, "enumerator relocations need an enum and one enumerator index");
            }

            spec.Accessors.Add(new CoreAccessor(id, raw[0], e.Values[raw[0]].Name));
            return spec;
        }

        if (!CoreKinds.IsFieldBased(kind))
        {
            throw Error(relocation, $"unknown relocation kind {(uint)kind}");
        }

        spec.Accessors.Add(new CoreAccessor(id, raw[0], null));
        spec.BitOffset = BitsOf(raw[0], SizeOf(btf, id, relocation), relocation);
        for (int i = 1; i < raw.Count; i++)
        {
            int index = raw[i];
            type = btf.ResolveUnderlying(id);
            id = type.Id;
            switch (type)
            {
                case BtfComposite composite:
                {
                    if (index >= composite.Members.Count)
                    {
                        throw Error(relocation, $"member index {index} is past the {composite.Members.Count} members of {composite}");
                    }

                    var member = composite.Members[index];
                    spec.BitOffset += member.BitOffset;
                    if (member.Name.Length != 0)
                    {
                        spec.Accessors.Add(new CoreAccessor(id, index, member.Name));
                    }

                    id = member.TypeId;
                    break;
                }

                case BtfArray array:
                {
                    uint element = btf.ResolveUnderlyingId(array.ElementTypeId);
                    if (!IsFlexibleArray(btf, spec.Accessors[^1], array) && index >= array.Count)
                    {
                        throw Error(relocation, $"element index {index} is past the {array.Count} elements of {array}");
                    }

                    spec.Accessors.Add(new CoreAccessor(element, index, null));
                    spec.BitOffset += BitsOf(index, SizeOf(btf, element, relocation), relocation);
                    id = element;
                    break;
                }

                default:
                    throw Error(relocation, $"step {i} indexes into {type}, which is neither a struct, a union nor an array");
            }
        }

        return spec;
    }

    /// <summary>An array of no elements that is the last member of the struct the previous step named.</summary>
    internal static bool IsFlexibleArray(BtfSpec btf, CoreAccessor previous, BtfArray array) =>
        previous.Name is not null && array.Count == 0
        && btf.GetTypeById(previous.TypeId) is BtfComposite c && previous.Index == c.Members.Count - 1;

    /// <summary>Bits taken by <paramref name="count"/> elements of <paramref name="size"/> bytes; an error past 2^63.</summary>
    internal static long BitsOf(long count, long size, CoreRelocation? relocation)
    {
        try
        {
            return checked(count * size * 8);
        }
        catch (OverflowException e)
        {
            throw new CoreRelocationException($"access '{relocation?.AccessString}' overflows: {count} elements of {size} bytes", e);
        }
    }

    internal static long SizeOf(BtfSpec btf, uint id, CoreRelocation relocation) =>
        btf.TryGetSize(id, out long size) ? size : throw Error(relocation, $"type {btf.GetTypeById(id)} has no size");

    private static CoreRelocationException Error(CoreRelocation relocation, string message) =>
        new($"CO-RE relocation {relocation.Kind} of type [{relocation.TypeId}] access '{relocation.AccessString}': {message}", relocation);
}
