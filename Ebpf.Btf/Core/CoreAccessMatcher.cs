namespace Ebpf.Btf;

/// <summary>Follows a local access through a candidate target type (libbpf's <c>bpf_core_spec_match</c>):
/// members are found by name (looking into anonymous members), array indexes are kept, enumerators are found by
/// essential name.</summary>
internal static class CoreAccessMatcher
{
    /// <summary>The target spec, or null when the candidate does not have the accessed field, enumerator or
    /// compatible type.</summary>
    public static CoreAccessSpec? Match(CoreAccessSpec local, BtfSpec target, uint targetId)
    {
        var spec = new CoreAccessSpec(target, targetId, local.Kind);
        if (CoreKinds.IsTypeBased(local.Kind))
        {
            bool ok = local.Kind == CoreRelocationKind.TypeMatches
                ? CoreTypeCompatibility.TypesMatch(local.Btf, local.RootTypeId, target, targetId)
                : CoreTypeCompatibility.TypesAreCompatible(local.Btf, local.RootTypeId, target, targetId);
            return ok ? spec : null;
        }

        if (CoreKinds.IsEnumValueBased(local.Kind))
        {
            uint enumId = target.ResolveUnderlyingId(targetId);
            if (target.GetTypeById(enumId) is not BtfEnumeration e)
            {
                return null;
            }

            string wanted = BtfSpec.EssentialName(local.Accessors[0].Name!);
            for (int i = 0; i < e.Values.Count; i++)
            {
                if (BtfSpec.EssentialName(e.Values[i].Name) == wanted)
                {
                    spec.Accessors.Add(new CoreAccessor(enumId, i, e.Values[i].Name));
                    spec.Raw.Add(i);
                    return spec;
                }
            }

            return null;
        }

        uint id = targetId;
        for (int i = 0; i < local.Accessors.Count; i++)
        {
            var la = local.Accessors[i];
            id = target.ResolveUnderlyingId(id);
            if (la.Name is not null)
            {
                if (!MatchMember(local.Btf, la, target, id, spec, out id))
                {
                    return null;
                }

                continue;
            }

            if (i > 0)
            {
                if (target.GetTypeById(id) is not BtfArray array)
                {
                    return null;
                }

                if (!CoreAccessParser.IsFlexibleArray(target, spec.Accessors[^1], array) && la.Index >= array.Count)
                {
                    return null;
                }

                id = target.ResolveUnderlyingId(array.ElementTypeId);
            }

            if (spec.Raw.Count >= CoreAccessSpec.MaxLength)
            {
                throw new CoreRelocationException($"access into [{targetId}] nests deeper than {CoreAccessSpec.MaxLength}");
            }

            spec.Accessors.Add(new CoreAccessor(id, la.Index, null));
            spec.Raw.Add(la.Index);
            if (!target.TryGetSize(id, out long size))
            {
                throw new CoreRelocationException($"target type {target.GetTypeById(id)} has no size");
            }

            spec.BitOffset += CoreAccessParser.BitsOf(la.Index, size, null);
        }

        return spec;
    }

    /// <summary>Finds the local accessor's member by exact name in the target composite <paramref name="compositeId"/>,
    /// descending into anonymous members; appends the raw indexes and the accessor on success.</summary>
    private static bool MatchMember(BtfSpec local, CoreAccessor la, BtfSpec target, uint compositeId, CoreAccessSpec spec, out uint next)
    {
        next = 0;
        var localMember = ((BtfComposite)local.GetTypeById(la.TypeId)).Members[la.Index];
        compositeId = target.ResolveUnderlyingId(compositeId);
        if (target.GetTypeById(compositeId) is not BtfComposite composite)
        {
            return false;
        }

        for (int i = 0; i < composite.Members.Count; i++)
        {
            var m = composite.Members[i];
            if (spec.Raw.Count >= CoreAccessSpec.MaxLength)
            {
                throw new CoreRelocationException($"access into [{spec.RootTypeId}] nests deeper than {CoreAccessSpec.MaxLength}");
            }

            spec.BitOffset += m.BitOffset;
            spec.Raw.Add(i);
            if (m.Name.Length == 0)
            {
                if (MatchMember(local, la, target, m.TypeId, spec, out next))
                {
                    return true;
                }
            }
            else if (m.Name == localMember.Name)
            {
                next = m.TypeId;
                if (CoreTypeCompatibility.FieldsAreCompatible(local, localMember.TypeId, target, m.TypeId))
                {
                    spec.Accessors.Add(new CoreAccessor(compositeId, i, m.Name));
                    return true;
                }

                // a same-named member of an incompatible type ends the search, as in libbpf
                spec.BitOffset -= m.BitOffset;
                spec.Raw.RemoveAt(spec.Raw.Count - 1);
                return false;
            }

            spec.BitOffset -= m.BitOffset;
            spec.Raw.RemoveAt(spec.Raw.Count - 1);
        }

        return false;
    }
}
