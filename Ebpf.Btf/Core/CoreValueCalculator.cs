using Ebpf.Asm;

namespace Ebpf.Btf;

/// <summary>Computes the value of a relocation from a resolved access (libbpf's <c>bpf_core_calc_relo</c>
/// and the field, type and enumerator calculations under it).</summary>
internal static class CoreValueCalculator
{
    /// <summary>The outcome for one local spec and one target spec (null: nothing matched).</summary>
    public static CoreRelocationOutcome Calculate(CoreRelocation relocation, CoreAccessSpec local, CoreAccessSpec? target, CoreCandidate? candidate)
    {
        var kind = relocation.Kind;
        var outcome = new CoreRelocationOutcome
        {
            Relocation = relocation,
            Target = target is null ? null : candidate,
            TargetAccessString = target?.RawString,
        };

        if (CoreKinds.IsFieldBased(kind))
        {
            var orig = Field(relocation, local, validating: true);
            if (target is null && kind != CoreRelocationKind.FieldExists)
            {
                return outcome with { OriginalValue = orig.Value, Validate = orig.Validate, Poison = true };
            }

            var targ = Field(relocation, target, validating: false);
            bool failAdjust = false;
            if (orig.Size != targ.Size)
            {
                var ot = local.Btf.GetTypeById(orig.TypeId);
                var nt = target!.Btf.GetTypeById(targ.TypeId);
                bool pointers = ot is BtfPointer && nt is BtfPointer;
                bool unsignedInts = ot is BtfInt oi && nt is BtfInt ni && oi.Encoding != BtfIntEncoding.Signed && ni.Encoding != BtfIntEncoding.Signed;
                failAdjust = !pointers && !unsignedInts;
            }

            return outcome with
            {
                OriginalValue = orig.Value,
                NewValue = targ.Value,
                Validate = orig.Validate,
                OriginalSize = orig.Size,
                NewSize = targ.Size,
                FailMemorySizeAdjust = failAdjust,
            };
        }

        if (CoreKinds.IsTypeBased(kind))
        {
            ulong orig = TypeValue(relocation, local, out bool validate);
            ulong targ = target is null ? 0 : TypeValue(relocation, target, out _);
            return outcome with { OriginalValue = orig, NewValue = targ, Validate = validate };
        }

        ulong localEnum = EnumValue(relocation, local);
        if (target is null)
        {
            return kind == CoreRelocationKind.EnumValueExists
                ? outcome with { OriginalValue = localEnum, NewValue = 0 }
                : outcome with { OriginalValue = localEnum, Poison = true };
        }

        return outcome with { OriginalValue = localEnum, NewValue = EnumValue(relocation, target) };
    }

    private readonly record struct FieldValue(ulong Value, int Size, uint TypeId, bool Validate);

    private static FieldValue Field(CoreRelocation relocation, CoreAccessSpec? spec, bool validating)
    {
        var kind = relocation.Kind;
        if (kind == CoreRelocationKind.FieldExists)
        {
            return new FieldValue(spec is null ? 0UL : 1UL, 0, 0, true);
        }

        var btf = spec!.Btf;
        var last = spec.Accessors[^1];
        if (last.Name is null)
        {
            // a[n]: only the element's offset and size make sense
            long size = CoreAccessParser.SizeOf(btf, last.TypeId, relocation);
            return kind switch
            {
                CoreRelocationKind.FieldByteOffset => new FieldValue((ulong)(spec.BitOffset / 8), (int)size, last.TypeId, true),
                CoreRelocationKind.FieldByteSize => new FieldValue((ulong)size, 0, 0, true),
                _ => throw new CoreRelocationException($"{kind} cannot be applied to an array element (access '{relocation.AccessString}')", relocation),
            };
        }

        var member = ((BtfComposite)btf.GetTypeById(last.TypeId)).Members[last.Index];
        uint fieldTypeId = btf.ResolveUnderlyingId(member.TypeId);
        var fieldType = btf.GetTypeById(fieldTypeId);
        ulong bitOffset = (ulong)spec.BitOffset;
        ulong bitSize = member.BitfieldSize;
        bool bitfield = bitSize > 0;
        ulong byteSize, byteOffset;
        if (bitfield)
        {
            byteSize = (ulong)CoreAccessParser.SizeOf(btf, fieldTypeId, relocation);
            if (byteSize == 0)
            {
                throw new CoreRelocationException($"bitfield '{member.Name}' has a type of size 0", relocation);
            }

            byteOffset = bitOffset / 8 / byteSize * byteSize;
            while (bitOffset + bitSize - (byteOffset * 8) > byteSize * 8)
            {
                if (byteSize >= 8)
                {
                    throw new CoreRelocationException($"bitfield '{member.Name}' cannot be read with one 64-bit load", relocation);
                }

                byteSize *= 2;
                byteOffset = bitOffset / 8 / byteSize * byteSize;
            }
        }
        else
        {
            byteSize = (ulong)CoreAccessParser.SizeOf(btf, fieldTypeId, relocation);
            byteOffset = bitOffset / 8;
            bitSize = byteSize * 8;
        }

        // bitfield layouts are the compiler's business: only signedness and the right shift are checked
        bool validate = !bitfield;
        switch (kind)
        {
            case CoreRelocationKind.FieldByteOffset:
                return bitfield
                    ? new FieldValue(byteOffset, 0, 0, validate)
                    : new FieldValue(byteOffset, (int)byteSize, fieldTypeId, validate);
            case CoreRelocationKind.FieldByteSize:
                return new FieldValue(byteSize, 0, 0, validate);
            case CoreRelocationKind.FieldSigned:
                bool signed = (fieldType is BtfEnumeration e && e.IsSigned) || (fieldType is BtfInt i && i.IsSigned);
                return new FieldValue(signed ? 1UL : 0UL, 0, 0, true);
            case CoreRelocationKind.FieldLShiftU64:
                ulong shift = btf.ByteOrder == ByteOrder.LittleEndian
                    ? 64 - (bitOffset + bitSize - (byteOffset * 8))
                    : ((8 - byteSize) * 8) + (bitOffset - (byteOffset * 8));
                return new FieldValue(shift, 0, 0, validate);
            case CoreRelocationKind.FieldRShiftU64:
                return new FieldValue(64 - bitSize, 0, 0, true);
            default:
                throw new CoreRelocationException($"unknown field relocation kind {(uint)kind}", relocation);
        }
    }

    private static ulong TypeValue(CoreRelocation relocation, CoreAccessSpec spec, out bool validate)
    {
        validate = true;
        switch (relocation.Kind)
        {
            case CoreRelocationKind.TypeIdTarget:
                validate = false; // ids change when objects are linked
                return spec.RootTypeId;
            case CoreRelocationKind.TypeExists or CoreRelocationKind.TypeMatches:
                return 1;
            case CoreRelocationKind.TypeSize:
                return (ulong)CoreAccessParser.SizeOf(spec.Btf, spec.RootTypeId, relocation);
            default:
                throw new CoreRelocationException($"unexpected type relocation kind {relocation.Kind}", relocation);
        }
    }

    private static ulong EnumValue(CoreRelocation relocation, CoreAccessSpec spec)
    {
        if (relocation.Kind == CoreRelocationKind.EnumValueExists)
        {
            return 1;
        }

        var accessor = spec.Accessors[0];
        var type = spec.Btf.GetTypeById(accessor.TypeId);
        long value = ((BtfEnumeration)type).Values[accessor.Index].Value;

        // libbpf reads a 32-bit enumerator as a signed int whatever the enum's signedness
        return type is BtfEnum ? unchecked((ulong)(long)(int)value) : unchecked((ulong)value);
    }
}
