using Ebpf.Btf;
using Ebpf.Kernel;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>
/// Tells a missing link type or attach type from other <c>BPF_LINK_CREATE</c> failures: a kernel without one rejects
/// it with EINVAL like a bad argument, but its BTF (<c>enum bpf_link_type</c> and <c>enum bpf_attach_type</c> in
/// <c>/sys/kernel/btf/vmlinux</c>) lacks it. The enums' <c>__MAX_</c> sentinel counts as missing: on 6.12,
/// <c>__MAX_BPF_ATTACH_TYPE</c> is 57, the value of <c>BPF_TRACE_UPROBE_SESSION</c> in 6.13.
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
                    // Not the sentinel (__MAX_BPF_ATTACH_TYPE, __MAX_BPF_LINK_TYPE): it holds the value of the next type to come.
                    return [.. enumeration.Values.Where(v => !v.Name.StartsWith("__MAX_", StringComparison.Ordinal)).Select(v => v.Value)];
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
