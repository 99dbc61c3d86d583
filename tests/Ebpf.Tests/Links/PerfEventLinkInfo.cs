using Ebpf.Links;

namespace Ebpf.Tests.Links;

/// <summary>
/// The perf_event part of link info is checked only where the kernel reports it: kernels before 6.6 answer
/// <c>BPF_OBJ_GET_INFO_BY_FD</c> of a perf event link without it, which <see cref="LinkInfo.PerfEventKind"/> shows as null.
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
}
