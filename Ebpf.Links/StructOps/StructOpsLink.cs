using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>
/// Registers a struct_ops map (a kernel ops table implemented by BPF programs), as libbpf's
/// <c>bpf_map__attach_struct_ops</c>: a map created with <c>BPF_F_LINK</c> (<c>.struct_ops.link</c>) through a
/// <c>bpf_link</c> (Linux 6.4+), whose <see cref="Link.Update"/> takes the replacement struct_ops map; a plain
/// <c>.struct_ops</c> map by writing the value <see cref="Collection.Load"/> prepared, as a
/// <see cref="StructOpsAttachment"/> that unregisters on dispose.
/// </summary>
public static class StructOpsLink
{
    /// <summary>
    /// Registers the struct_ops map <paramref name="structOpsMap"/> from <see cref="Collection.Load"/>: with
    /// <c>BPF_LINK_CREATE</c> when it has <see cref="BpfMapFlags.Link"/>, else with <see cref="Map.RegisterStructOps"/>
    /// (the result is then a <see cref="StructOpsAttachment"/>; the registration also ends when the map is disposed).
    /// </summary>
    /// <param name="structOpsMap">A <c>BPF_MAP_TYPE_STRUCT_OPS</c> map whose value is set or prepared.</param>
    /// <param name="syscalls">The kernel interface for the link; null for the running kernel. A plain map registers through its own.</param>
    /// <exception cref="ArgumentException">The map is not a struct_ops map.</exception>
    /// <exception cref="InvalidOperationException">A plain map without a prepared value (opened by id, pin or descriptor), or registered already by this map object.</exception>
    /// <exception cref="EbpfException">The map is registered already or was once, or the kernel refused the ops.</exception>
    public static Link Attach(Map structOpsMap, IBpfSyscalls? syscalls = null)
    {
        ArgumentNullException.ThrowIfNull(structOpsMap);
        if (structOpsMap.Type != BpfMapType.StructOps)
        {
            throw new ArgumentException($"map {structOpsMap.Name} is a {structOpsMap.Type} map, not a struct_ops map", nameof(structOpsMap));
        }

        if ((structOpsMap.Flags & BpfMapFlags.Link) != 0)
        {
            return Attach(structOpsMap.FileDescriptor, syscalls);
        }

        structOpsMap.RegisterStructOps();
        return new StructOpsAttachment(structOpsMap, syscalls ?? LinuxBpfSyscalls.Instance);
    }

    /// <summary>Registers the struct_ops map <paramref name="structOpsMap"/> through a <c>bpf_link</c> (<c>BPF_LINK_CREATE</c>).</summary>
    /// <param name="structOpsMap">A <c>BPF_MAP_TYPE_STRUCT_OPS</c> map, with its value set and created with <c>BPF_F_LINK</c>.</param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    public static Link Attach(BpfFileDescriptor structOpsMap, IBpfSyscalls? syscalls = null)
    {
        ArgumentNullException.ThrowIfNull(structOpsMap);
        var sys = syscalls ?? LinuxBpfSyscalls.Instance;
        try
        {
            using var structOpsMapUse = new FdUse(structOpsMap);
            // link_create.map_fd shares the prog_fd slot.
            return new Link(sys.LinkCreate(new LinkCreateAttr { ProgFd = structOpsMapUse.Fd, AttachType = BpfAttachType.StructOps }), sys);
        }
        catch (EbpfException e) when (e.Errno == Errno.EINVAL && LinkTypeSupport.IsKnownMissing(BpfLinkType.StructOps))
        {
            throw new EbpfNotSupportedException("struct_ops links", "6.4", e.Errno, e);
        }
    }
}
