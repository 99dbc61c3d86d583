using Ebpf.Kernel.Interop;

namespace Ebpf.Links;

/// <summary>
/// A perf_event program attached to a software perf event on every online CPU (one <see cref="PerfEventLink"/> per
/// CPU), made by <see cref="PerfEventAttachExtensions.AttachSoftwareEvent"/>. Disposing detaches from every CPU. The
/// set has no <c>bpf_link</c> of its own: pin or inspect the per-CPU links in <see cref="PerCpu"/>.
/// </summary>
public sealed class SoftwareEventLink : Link
{
    internal SoftwareEventLink(IReadOnlyList<PerfEventLink> perCpu, SoftwareEvent softwareEvent, IBpfSyscalls syscalls)
        : base(syscalls)
    {
        PerCpu = perCpu;
        Event = softwareEvent;
    }

    /// <summary>The event sampled.</summary>
    public SoftwareEvent Event { get; }

    /// <summary>The link of each online CPU, in CPU order.</summary>
    public IReadOnlyList<PerfEventLink> PerCpu { get; }

    /// <inheritdoc />
    public override string ToString() => $"{nameof(SoftwareEventLink)} ({Event}, {PerCpu.Count} CPUs)";

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var link in PerCpu)
            {
                link.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
