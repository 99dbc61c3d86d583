using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>
/// A struct_ops map (a kernel ops table implemented by BPF programs) created with <c>BPF_F_LINK</c>
/// (<c>.struct_ops.link</c>) and registered through a <c>bpf_link</c> (Linux 6.4+), made by
/// <see cref="StructOpsAttachExtensions.AttachStructOps(Map)"/>. <see cref="Link.Update(BpfFileDescriptor)"/> takes the replacement
/// struct_ops map's descriptor.
/// </summary>
public sealed class StructOpsLink : Link
{
    private StructOpsLink(BpfFileDescriptor fd, IBpfSyscalls syscalls)
        : base(fd, syscalls)
    {
    }

    /// <summary>
    /// Registers <paramref name="structOpsMap"/>, as libbpf's <c>bpf_map__attach_struct_ops</c>: with
    /// <c>BPF_LINK_CREATE</c> when it has <see cref="BpfMapFlags.Link"/>, else by writing the value
    /// <see cref="Collection.Load"/> prepared (<see cref="Map.RegisterStructOps"/>), as a <see cref="StructOpsAttachment"/>.
    /// </summary>
    internal static Link Attach(Map structOpsMap, IBpfSyscalls sys)
    {
        ArgumentNullException.ThrowIfNull(structOpsMap);
        if (structOpsMap.Type != BpfMapType.StructOps)
        {
            throw new ArgumentException($"map {structOpsMap.Name} is a {structOpsMap.Type} map, not a struct_ops map", nameof(structOpsMap));
        }

        if ((structOpsMap.Flags & BpfMapFlags.Link) != 0)
        {
            return Attach(structOpsMap.FileDescriptor, sys);
        }

        structOpsMap.RegisterStructOps();
        return new StructOpsAttachment(structOpsMap, sys);
    }

    /// <summary>Registers the struct_ops map open as <paramref name="structOpsMap"/> through a <c>bpf_link</c> (<c>BPF_LINK_CREATE</c>).</summary>
    internal static StructOpsLink Attach(BpfFileDescriptor structOpsMap, IBpfSyscalls sys)
    {
        ArgumentNullException.ThrowIfNull(structOpsMap);
        try
        {
            using var structOpsMapUse = new FdUse(structOpsMap);
            // link_create.map_fd shares the prog_fd slot.
            return new StructOpsLink(sys.LinkCreate(new LinkCreateAttr { ProgFd = structOpsMapUse.Fd, AttachType = BpfAttachType.StructOps }), sys);
        }
        catch (EbpfException e) when (e.Errno == Errno.EINVAL && LinkTypeSupport.IsKnownMissing(BpfLinkType.StructOps))
        {
            throw new EbpfNotSupportedException("struct_ops links", "6.4", e.Errno, e);
        }
    }
}
