namespace Ebpf.Btf;

/// <summary>The type relations CO-RE checks between a program's BTF and a target's: libbpf's
/// <c>bpf_core_fields_are_compat</c>, <c>bpf_core_types_are_compat</c> and <c>bpf_core_types_match</c>.</summary>
internal static class CoreTypeCompatibility
{
    private const int MaxDepth = 32;

    /// <summary>Whether a local field type can be relocated onto a target field type: composites match any
    /// composite, pointers and floats match their kind, enums and forwards need equal essential names (or one
    /// anonymous), integers must not be old-style bitfield integers, arrays compare their elements.</summary>
    public static bool FieldsAreCompatible(BtfSpec local, uint localId, BtfSpec target, uint targetId)
    {
        for (int depth = 0; depth < MaxDepth; depth++)
        {
            var l = local.ResolveUnderlying(localId);
            var t = target.ResolveUnderlying(targetId);
            if (l is BtfComposite && t is BtfComposite)
            {
                return true;
            }

            if (!CoreKinds.AreCompatible(l.Kind, t.Kind))
            {
                return false;
            }

            switch (l)
            {
                case BtfPointer or BtfFloat:
                    return true;
                case BtfForward or BtfEnumeration:
                {
                    string ln = BtfSpec.EssentialName(l.Name), tn = BtfSpec.EssentialName(t.Name);
                    return ln.Length == 0 || tn.Length == 0 || ln == tn;
                }

                case BtfInt li:
                    return li.BitOffset == 0 && ((BtfInt)t).BitOffset == 0;
                case BtfArray la:
                    localId = la.ElementTypeId;
                    targetId = ((BtfArray)t).ElementTypeId;
                    continue;
                default:
                    return false;
            }
        }

        throw new CoreRelocationException($"field types [{localId}] and [{targetId}] nest deeper than {MaxDepth}");
    }

    /// <summary>Whether a local type is compatible with a target type for type relocations
    /// (<c>bpf_core_types_are_compat</c>): kinds agree after typedefs and qualifiers, pointers and arrays compare
    /// what they refer to, prototypes compare every parameter and the return type.</summary>
    public static bool TypesAreCompatible(BtfSpec local, uint localId, BtfSpec target, uint targetId) =>
        TypesAreCompatible(local, localId, target, targetId, MaxDepth);

    private static bool TypesAreCompatible(BtfSpec local, uint localId, BtfSpec target, uint targetId, int level)
    {
        if (!CoreKinds.AreCompatible(local.GetKind(localId), target.GetKind(targetId)))
        {
            return false;
        }

        for (int depth = MaxDepth; depth > 0; depth--)
        {
            var l = local.ResolveUnderlying(localId);
            var t = target.ResolveUnderlying(targetId);
            if (!CoreKinds.AreCompatible(l.Kind, t.Kind))
            {
                return false;
            }

            switch (l)
            {
                case BtfVoid or BtfComposite or BtfEnumeration or BtfForward:
                    return true;
                case BtfInt li:
                    return li.BitOffset == 0 && ((BtfInt)t).BitOffset == 0;
                case BtfPointer lp:
                    localId = lp.TypeId;
                    targetId = ((BtfPointer)t).TypeId;
                    continue;
                case BtfArray la:
                    localId = la.ElementTypeId;
                    targetId = ((BtfArray)t).ElementTypeId;
                    continue;
                case BtfFuncProto lf:
                {
                    var tf = (BtfFuncProto)t;
                    if (lf.Parameters.Count != tf.Parameters.Count)
                    {
                        return false;
                    }

                    for (int i = 0; i < lf.Parameters.Count; i++)
                    {
                        if (level <= 0)
                        {
                            throw new CoreRelocationException($"function prototypes [{lf.Id}] and [{tf.Id}] nest deeper than {MaxDepth}");
                        }

                        uint lpId = local.ResolveUnderlyingId(lf.Parameters[i].TypeId);
                        uint tpId = target.ResolveUnderlyingId(tf.Parameters[i].TypeId);
                        if (!TypesAreCompatible(local, lpId, target, tpId, level - 1))
                        {
                            return false;
                        }
                    }

                    localId = local.ResolveUnderlyingId(lf.ReturnTypeId);
                    targetId = target.ResolveUnderlyingId(tf.ReturnTypeId);
                    continue;
                }

                default:
                    return false;
            }
        }

        throw new CoreRelocationException($"types [{localId}] and [{targetId}] nest deeper than {MaxDepth}");
    }

    /// <summary>Whether a local type matches a target type's shape (<c>bpf_core_types_match</c>, for
    /// <c>TYPE_MATCHES</c>): names agree without flavors, integers agree in size and signedness, enums' local
    /// enumerators all exist by name, composites' local members all exist by name with matching types (behind a
    /// pointer only the kind is checked, and a forward declaration of the same kind matches), arrays agree in length,
    /// prototypes agree parameter by parameter.</summary>
    public static bool TypesMatch(BtfSpec local, uint localId, BtfSpec target, uint targetId) =>
        TypesMatch(local, localId, target, targetId, behindPointer: false, MaxDepth);

    private static bool TypesMatch(BtfSpec local, uint localId, BtfSpec target, uint targetId, bool behindPointer, int level)
    {
        if (level <= 0)
        {
            throw new CoreRelocationException($"types [{localId}] and [{targetId}] nest deeper than {MaxDepth}");
        }

        for (int depth = MaxDepth; depth > 0; depth--)
        {
            var l = local.ResolveUnderlying(localId);
            var t = target.ResolveUnderlying(targetId);
            if (!NamesMatch(l.Name, t.Name))
            {
                return false;
            }

            switch (l)
            {
                case BtfVoid:
                    return t is BtfVoid;
                case BtfForward lf:
                    if (behindPointer && t is not BtfForward)
                    {
                        return (t is BtfStruct && !lf.IsUnion) || (t is BtfUnion && lf.IsUnion);
                    }

                    return t is BtfForward tf && tf.IsUnion == lf.IsUnion;
                case BtfEnumeration le:
                    return t is BtfEnumeration te && EnumsMatch(le, te);
                case BtfComposite lc:
                    if (behindPointer)
                    {
                        return t.Kind == l.Kind || (t is BtfForward tfw && tfw.IsUnion == (l is BtfUnion));
                    }

                    return t.Kind == l.Kind && CompositesMatch(local, lc, target, (BtfComposite)t, level);
                case BtfInt li:
                    return t is BtfInt ti && li.Bits == ti.Bits && li.IsSigned == ti.IsSigned;
                case BtfPointer lp:
                    if (t is not BtfPointer tp)
                    {
                        return false;
                    }

                    behindPointer = true;
                    localId = lp.TypeId;
                    targetId = tp.TypeId;
                    continue;
                case BtfArray la:
                    if (t is not BtfArray ta || la.Count != ta.Count)
                    {
                        return false;
                    }

                    localId = la.ElementTypeId;
                    targetId = ta.ElementTypeId;
                    continue;
                case BtfFuncProto lfp:
                {
                    if (t is not BtfFuncProto tfp || lfp.Parameters.Count != tfp.Parameters.Count)
                    {
                        return false;
                    }

                    for (int i = 0; i < lfp.Parameters.Count; i++)
                    {
                        if (!TypesMatch(local, lfp.Parameters[i].TypeId, target, tfp.Parameters[i].TypeId, behindPointer, level - 1))
                        {
                            return false;
                        }
                    }

                    localId = lfp.ReturnTypeId;
                    targetId = tfp.ReturnTypeId;
                    continue;
                }

                default:
                    return false;
            }
        }

        throw new CoreRelocationException($"types [{localId}] and [{targetId}] nest deeper than {MaxDepth}");
    }

    /// <summary>libbpf's <c>bpf_core_names_match</c>: an anonymous target matches only an anonymous local;
    /// otherwise the names must agree without their flavor suffixes.</summary>
    internal static bool NamesMatch(string local, string target) =>
        target.Length == 0 ? local.Length == 0 : BtfSpec.EssentialName(local) == BtfSpec.EssentialName(target);

    private static bool EnumsMatch(BtfEnumeration local, BtfEnumeration target)
    {
        if (local.Size != target.Size || local.Values.Count > target.Values.Count)
        {
            return false;
        }

        foreach (var lv in local.Values)
        {
            bool found = false;
            foreach (var tv in target.Values)
            {
                if (NamesMatch(lv.Name, tv.Name))
                {
                    found = true;
                    break;
                }
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }

    private static bool CompositesMatch(BtfSpec local, BtfComposite l, BtfSpec target, BtfComposite t, int level)
    {
        if (l.Members.Count > t.Members.Count)
        {
            return false;
        }

        foreach (var lm in l.Members)
        {
            bool matched = false;
            foreach (var tm in t.Members)
            {
                if (NamesMatch(lm.Name, tm.Name) && TypesMatch(local, lm.TypeId, target, tm.TypeId, behindPointer: false, level - 1))
                {
                    matched = true;
                    break;
                }
            }

            if (!matched)
            {
                return false;
            }
        }

        return true;
    }
}
