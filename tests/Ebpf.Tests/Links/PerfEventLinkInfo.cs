using Ebpf.Kernel;
using Ebpf.Links;

namespace Ebpf.Tests.Links;

/// <summary>
/// The perf_event part of link info is checked only where the kernel reports it: kernels before 6.6 answer
/// <c>BPF_OBJ_GET_INFO_BY_FD</c> of a perf event link without it, which <see cref="LinkInfo.PerfEventKind"/> shows as null.
/// Before 5.15 a perf event attachment has no <c>bpf_link</c> at all (<c>PERF_EVENT_IOC_SET_BPF</c>), so no link info.
/// </summary>
public static class PerfEventLinkInfo
{
    /// <summary>Whether the kernel reported perf_event link info in <paramref name="info"/> (a perf event link's).</summary>
    public static bool IsReported(LinkInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        Assert.That(info.Type, Is.EqualTo(BpfLinkType.PerfEvent));
        return info.PerfEventKind is not null;
    }

    /// <summary>Asserts the kind of perf event where the kernel reports it.</summary>
    public static void AssertKind(LinkInfo info, PerfEventLinkKind kind)
    {
        if (IsReported(info))
        {
            Assert.That(info.PerfEventKind, Is.EqualTo(kind));
        }
    }

    /// <summary>Asserts the kind of perf event of <paramref name="link"/> where it has a bpf_link and the kernel reports it.</summary>
    public static void AssertKind(PerfEventLink link, PerfEventLinkKind kind)
    {
        if (Read(link) is { } info)
        {
            AssertKind(info, kind);
        }
    }

    /// <summary>
    /// The info of <paramref name="link"/>, or null when it has no bpf_link. That is allowed only where the kernel lacks
    /// <c>BPF_LINK_CREATE</c> for perf events (5.15, with BPF cookies: the cookie probe says so), and then
    /// <see cref="Link.Info"/> must say that it needs Linux 5.15.
    /// </summary>
    public static LinkInfo? Read(PerfEventLink link)
    {
        ArgumentNullException.ThrowIfNull(link);
        if (link.Fd is not null)
        {
            return link.Info();
        }

        Assert.That(Features.IsSupported(Features.Default.HaveBpfCookie), Is.False,
            "a perf event attached without a bpf_link on a kernel with BPF cookies (both came in 5.15)");
        Assert.That(link.Info, Throws.InstanceOf<EbpfNotSupportedException>().With.Property(nameof(EbpfNotSupportedException.MinimumKernelVersion)).EqualTo("5.15"));
        return null;
    }
}
