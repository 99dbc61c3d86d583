using Ebpf.Btf;
using Ebpf.Kernel;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>
/// Tells a missing link type or attach type from other <c>BPF_LINK_CREATE</c> failures: a kernel without one rejects
/// it with EINVAL like a bad argument, but its BTF (<c>enum bpf_link_type</c> and <c>enum bpf_attach_type</c> in
/// <c>/sys/kernel/btf/vmlinux</c>) lacks it.
/// </summary>
internal static class LinkTypeSupport
{
    private static readonly Lazy<HashSet<long>?> KnownLinkTypes = new(() => ReadEnum("bpf_link_type"));
    private static readonly Lazy<HashSet<long>?> KnownAttachTypes = new(() => ReadEnum("bpf_attach_type"));

    /// <summary>True when the kernel BTF is readable and has no <paramref name="type"/>; false when it has it or cannot tell.</summary>
    internal static bool IsKnownMissing(BpfLinkType type) => KnownLinkTypes.Value is { } known && !known.Contains((long)type);

    /// <summary>True when the kernel BTF is readable and has no <paramref name="type"/>; false when it has it or cannot tell.</summary>
    internal static bool IsKnownMissing(BpfAttachType type) => KnownAttachTypes.Value is { } known && !known.Contains((long)type);

    private static HashSet<long>? ReadEnum(string name)
    {
        try
        {
            foreach (var candidate in KernelBtf.SharedVmlinux.FindTypes(name, BtfKind.Enum))
            {
                if (candidate is BtfEnumeration enumeration)
                {
                    return [.. enumeration.Values.Select(v => v.Value)];
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BtfFormatException)
        {
            // No kernel BTF: cannot tell.
        }

        return null;
    }
}
