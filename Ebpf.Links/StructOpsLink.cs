using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>
/// Registers a struct_ops map (a kernel ops table implemented by BPF programs, created with <c>BPF_F_LINK</c>) through a
/// link (Linux 6.4+). <see cref="Link.Update"/> takes the replacement struct_ops map.
/// </summary>
public static class StructOpsLink
{
    /// <summary>Registers the struct_ops map <paramref name="structOpsMap"/>.</summary>
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
