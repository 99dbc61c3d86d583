using Ebpf.Kernel;

namespace Ebpf.Links;

/// <summary>Registers a loaded struct_ops <see cref="Map"/> with the kernel: <c>map.AttachStructOps()</c>.</summary>
public static class StructOpsAttachExtensions
{
    /// <summary>
    /// Registers the struct_ops map from <see cref="Collection.Load"/>, as libbpf's <c>bpf_map__attach_struct_ops</c>:
    /// a <c>.struct_ops.link</c> map (<see cref="Ebpf.Specs.BpfMapFlags.Link"/>) through a <c>bpf_link</c>, returning a
    /// <see cref="StructOpsLink"/>; a plain <c>.struct_ops</c> map by writing its prepared value
    /// (<see cref="Map.RegisterStructOps"/>), returning a <see cref="StructOpsAttachment"/> that unregisters on dispose
    /// (as does disposing the map).
    /// </summary>
    /// <param name="map">A <c>BPF_MAP_TYPE_STRUCT_OPS</c> map whose value is set or prepared.</param>
    /// <exception cref="ArgumentException">The map is not a struct_ops map.</exception>
    /// <exception cref="InvalidOperationException">A plain map without a prepared value (opened by id, pin or descriptor), or registered already by this map object.</exception>
    /// <exception cref="EbpfException">The map is registered already or was once, or the kernel refused the ops.</exception>
    /// <exception cref="EbpfNotSupportedException">A <c>.struct_ops.link</c> map on a kernel before 6.4.</exception>
    public static Link AttachStructOps(this Map map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return StructOpsLink.Attach(map, map.Syscalls);
    }
}
