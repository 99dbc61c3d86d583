using Ebpf.Btf;

namespace Ebpf.Kernel;

/// <summary>
/// The kernel side of one <c>struct_ops</c> map: the vmlinux struct it implements, the <c>bpf_struct_ops_&lt;type&gt;</c>
/// wrapper that is the map value, and the translation of the object's struct (members matched by name) into it.
/// </summary>
internal sealed class StructOpsTarget
{
    private const string WrapperPrefix = "bpf_struct_ops_";
    private const string WrapperDataMember = "data";

    private readonly MapSpec _spec;
    private readonly StructOpsSpec _ops;
    private readonly BtfSpec _kernel;
    private readonly BtfStruct _kernelStruct;
    private readonly uint _dataOffset;

    private StructOpsTarget(MapSpec spec, StructOpsSpec ops, BtfSpec kernel, BtfStruct kernelStruct, BtfStruct wrapper, uint dataOffset)
    {
        _spec = spec;
        _ops = ops;
        _kernel = kernel;
        _kernelStruct = kernelStruct;
        _dataOffset = dataOffset;
        WrapperId = wrapper.Id;
        ValueSize = wrapper.Size;
    }

    /// <summary>The map the target is for.</summary>
    public MapSpec Spec => _spec;

    /// <summary>The kernel struct's type id: the <c>attach_btf_id</c> of the map's programs.</summary>
    public uint StructId => _kernelStruct.Id;

    /// <summary>The wrapper's type id: the map's <c>btf_vmlinux_value_type_id</c>.</summary>
    public uint WrapperId { get; }

    /// <summary>The map's value size: the wrapper's size.</summary>
    public uint ValueSize { get; }

    /// <summary>The kernel struct's name, e.g. <c>tcp_congestion_ops</c>.</summary>
    public string TypeName => _ops.TypeName;

    /// <summary>Whether the map is registered through a link (<c>.struct_ops.link</c>) rather than by its update.</summary>
    public bool IsLink => _ops.IsLink;

    /// <summary>Program names by the object's member names.</summary>
    public IReadOnlyDictionary<string, string> Programs => _ops.Programs;

    /// <summary>Finds the kernel struct and its wrapper in <paramref name="kernel"/>.</summary>
    /// <exception cref="EbpfNotSupportedException">The kernel has no such struct_ops type.</exception>
    public static StructOpsTarget Resolve(MapSpec spec, BtfSpec kernel)
    {
        var ops = spec.StructOps ?? throw new EbpfException("a struct_ops map without its struct_ops description");
        if (FindStruct(kernel, ops.TypeName) is not { } kernelStruct)
        {
            throw new EbpfNotSupportedException($"struct_ops type {ops.TypeName} (the kernel BTF has no struct {ops.TypeName})", null, Errno.None);
        }

        if (FindStruct(kernel, WrapperPrefix + ops.TypeName) is not { } wrapper)
        {
            throw new EbpfNotSupportedException($"struct_ops type {ops.TypeName} (the kernel BTF has no struct {WrapperPrefix}{ops.TypeName})", "5.6", Errno.None);
        }

        var data = wrapper.Members.FirstOrDefault(m => m.Name == WrapperDataMember);
        if (data.Name is null || data.BitOffset % 8 != 0)
        {
            throw new EbpfException($"kernel struct {wrapper.Name} has no byte-aligned '{WrapperDataMember}' member");
        }

        return new StructOpsTarget(spec, ops, kernel, kernelStruct, wrapper, data.BitOffset / 8);
    }

    /// <summary>The index in the kernel struct of the object's member <paramref name="member"/>: a program's <c>expected_attach_type</c>.</summary>
    public int KernelMemberIndex(string member)
    {
        var members = _kernelStruct.Members;
        for (int i = 0; i < members.Count; i++)
        {
            if (members[i].Name == member)
            {
                return i;
            }
        }

        throw new EbpfException($"kernel struct {_kernelStruct.Name} has no member '{member}'");
    }

    /// <summary>
    /// The map value, prepared: the object's non-function members copied by name into the kernel layout, and the
    /// offset of each function pointer member that names a program, where <see cref="StructOpsValue.Write"/> puts
    /// that program's descriptor while it holds it open.
    /// </summary>
    public StructOpsValue Prepare(IReadOnlyDictionary<string, Program> programs)
    {
        var local = _spec.Value as BtfStruct ?? throw new EbpfException("the struct_ops value type is not a struct");
        var localBtf = _spec.Btf ?? throw new EbpfException("a struct_ops map needs the object's BTF");
        var source = _ops.Data.Span;
        var value = new byte[ValueSize];
        var data = value.AsSpan((int)_dataOffset);
        var slots = new List<(int Offset, Program Program)>();
        foreach (var member in local.Members)
        {
            if (member.BitfieldSize != 0 || member.BitOffset % 8 != 0)
            {
                throw new EbpfException($"bitfield member '{member.Name}' is not supported");
            }

            int localOffset = (int)(member.BitOffset / 8);
            if (_ops.Programs.TryGetValue(member.Name, out var programName))
            {
                var program = programs.TryGetValue(programName, out var p) ? p : throw new EbpfException($"program '{programName}' was not loaded");
                var slot = KernelMember(member.Name);
                if (_kernel.ResolveUnderlying(slot.TypeId) is not BtfPointer)
                {
                    throw new EbpfException($"kernel member {_kernelStruct.Name}.{member.Name} is not a function pointer");
                }

                slots.Add(((int)_dataOffset + (int)(slot.BitOffset / 8), program));
                continue;
            }

            int size = (int)localBtf.GetSize(member.TypeId);
            var bytes = source.Slice(localOffset, size);
            if (localBtf.ResolveUnderlying(member.TypeId) is BtfPointer || !bytes.ContainsAnyExcept((byte)0))
            {
                continue; // function pointers without a program and zero members stay zero, as libbpf skips them
            }

            var target = TryKernelMember(member.Name) ?? throw new EbpfException($"kernel struct {_kernelStruct.Name} has no member '{member.Name}', which is set");
            long kernelSize = _kernel.GetSize(target.TypeId);
            if (kernelSize != size || target.BitfieldSize != 0 || target.BitOffset % 8 != 0)
            {
                throw new EbpfException($"member '{member.Name}' is {size} bytes in the object but {kernelSize} in kernel struct {_kernelStruct.Name}");
            }

            bytes.CopyTo(data[(int)(target.BitOffset / 8)..]);
        }

        return new StructOpsValue(_spec.Name, value, [.. slots]);
    }

    private BtfMember KernelMember(string name) =>
        TryKernelMember(name) ?? throw new EbpfException($"kernel struct {_kernelStruct.Name} has no member '{name}'");

    private BtfMember? TryKernelMember(string name)
    {
        foreach (var member in _kernelStruct.Members)
        {
            if (member.Name == name)
            {
                return member;
            }
        }

        return null;
    }

    private static BtfStruct? FindStruct(BtfSpec btf, string name)
    {
        foreach (var id in btf.FindIds(name, BtfKind.Struct))
        {
            if (btf[id] is BtfStruct s)
            {
                return s;
            }
        }

        return null;
    }
}
