using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>Creating a <c>struct_ops</c> map, whose value is a kernel struct named by its vmlinux BTF id.</summary>
public sealed partial class Map
{
    /// <summary>
    /// Creates a <see cref="BpfMapType.StructOps"/> map: a 4-byte key, one entry and the kernel's
    /// <c>bpf_struct_ops_&lt;type&gt;</c> wrapper as value (<c>btf_vmlinux_value_type_id</c>, no key/value type ids,
    /// but a <c>btf_fd</c> the kernel insists on).
    /// </summary>
    internal static Map CreateStructOps(MapSpec spec, uint valueSize, uint vmlinuxValueTypeId, IBpfSyscalls syscalls, FeatureFallbacks? fallbacks = null)
    {
        using var btf = MapBtf.LoadStructOpsValue(syscalls, spec);
        string name = spec.Name;
        var flags = spec.Flags;
        var attr = new MapCreateAttr
        {
            MapType = BpfMapType.StructOps,
            KeySize = 4,
            ValueSize = valueSize,
            MaxEntries = 1,
            MapFlags = flags,
            BtfVmlinuxValueTypeId = vmlinuxValueTypeId,
            BtfFd = (uint)btf.DangerousGetFd(),
        };
        bool named = TryKernelName(name, out var kernelName);
        if (named)
        {
            attr.MapName = kernelName;
        }

        var fd = CreateWithFallbacks(syscalls, attr, named, withBtf: false, fallbacks ?? FeatureFallbacks.Default, name);
        return new Map(syscalls, fd, BpfMapType.StructOps, 4, valueSize, 1, flags, name);
    }
}
