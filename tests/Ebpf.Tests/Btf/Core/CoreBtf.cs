using Ebpf.Btf;

namespace Ebpf.Tests.Btf;

/// <summary>Builds small BTF blobs for the CO-RE tests type by type; each method returns the new type's id.</summary>
public sealed class CoreBtf
{
    private readonly BtfBlobBuilder _b;
    private readonly uint _firstId;

    public CoreBtf()
    {
        _b = new BtfBlobBuilder();
        _firstId = 1;
    }

    private CoreBtf(BtfSpec baseSpec)
    {
        _b = new BtfBlobBuilder(split: true, stringBase: baseSpec.Header.StringLength);
        _firstId = baseSpec.LastTypeId + 1;
        Base = baseSpec;
    }

    /// <summary>A builder for split BTF on <paramref name="baseSpec"/> (a module's).</summary>
    public static CoreBtf SplitOn(BtfSpec baseSpec) => new(baseSpec);

    public BtfSpec? Base { get; }

    private uint Add(string name, int kind, int vlen, bool kindFlag, uint sizeOrType, params uint[] extra) =>
        (uint)_b.Type(name, kind, vlen, kindFlag, sizeOrType, extra) + _firstId - 1;

    public uint Int(string name, uint size, bool signed = false, byte bitOffset = 0) =>
        Add(name, 1, 0, false, size, ((signed ? 1u : 0u) << 24) | ((uint)bitOffset << 16) | (size * 8));

    public uint Ptr(uint target) => Add("", 2, 0, false, target);

    public uint Array(uint element, uint index, uint count) => Add("", 3, 0, false, 0, element, index, count);

    public uint Struct(string name, uint size, params (string Name, uint Type, uint BitOffset)[] members) =>
        Composite(4, name, size, false, members.Select(m => (m.Name, m.Type, m.BitOffset, 0u)).ToArray());

    public uint Union(string name, uint size, params (string Name, uint Type, uint BitOffset)[] members) =>
        Composite(5, name, size, false, members.Select(m => (m.Name, m.Type, m.BitOffset, 0u)).ToArray());

    /// <summary>A struct with the kind_flag set, so members carry bitfield sizes.</summary>
    public uint BitfieldStruct(string name, uint size, params (string Name, uint Type, uint BitOffset, uint Bits)[] members) =>
        Composite(4, name, size, true, members);

    private uint Composite(int kind, string name, uint size, bool kindFlag, (string Name, uint Type, uint BitOffset, uint Bits)[] members)
    {
        var words = new List<uint>();
        foreach (var m in members)
        {
            words.Add(m.Name.Length == 0 ? 0 : _b.Str(m.Name));
            words.Add(m.Type);
            words.Add(kindFlag ? (m.Bits << 24) | m.BitOffset : m.BitOffset);
        }

        return Add(name, kind, members.Length, kindFlag, size, [.. words]);
    }

    public uint Enum(string name, uint size, params (string Name, int Value)[] values) =>
        Add(name, 6, values.Length, false, size, values.SelectMany(v => new[] { _b.Str(v.Name), unchecked((uint)v.Value) }).ToArray());

    public uint Enum64(string name, params (string Name, long Value)[] values) =>
        Add(name, 19, values.Length, false, 8, values.SelectMany(v => new[] { _b.Str(v.Name), unchecked((uint)v.Value), unchecked((uint)(v.Value >> 32)) }).ToArray());

    public uint Forward(string name, bool union = false) => Add(name, 7, 0, union, 0);

    public uint Typedef(string name, uint target) => Add(name, 8, 0, false, target);

    public uint Const(uint target) => Add("", 10, 0, false, target);

    public uint FuncProto(uint returns, params uint[] parameters) =>
        Add("", 13, parameters.Length, false, returns, parameters.SelectMany(p => new[] { 0u, p }).ToArray());

    public BtfSpec Build(bool bigEndian = false) => BtfSpec.Parse(_b.Build(bigEndian), Base);
}
