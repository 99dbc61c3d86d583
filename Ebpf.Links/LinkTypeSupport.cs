using Ebpf.Btf;
using Ebpf.Kernel;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>
/// Tells a missing link type from other <c>BPF_LINK_CREATE</c> failures: a kernel without a link type rejects it with
/// EINVAL like a bad argument, but its BTF (<c>enum bpf_link_type</c> in <c>/sys/kernel/btf/vmlinux</c>) lacks it.
/// </summary>
internal static class LinkTypeSupport
{
    private static readonly Lazy<HashSet<long>?> KnownLinkTypes = new(ReadKnownLinkTypes);

    /// <summary>True when the kernel BTF is readable and has no <paramref name="type"/>; false when it has it or cannot tell.</summary>
    internal static bool IsKnownMissing(BpfLinkType type) => KnownLinkTypes.Value is { } known && !known.Contains((long)type);

    private static HashSet<long>? ReadKnownLinkTypes()
    {
        try
        {
            foreach (var candidate in KernelBtf.SharedVmlinux.FindTypes("bpf_link_type", BtfKind.Enum))
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
