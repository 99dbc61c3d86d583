using Ebpf.Kernel;

namespace Ebpf.Links;

/// <summary>
/// Attaches a loaded <see cref="Program"/> to perf events: one the caller opened, or a software event sampled on
/// every CPU (<c>program.AttachSoftwareEvent(SoftwareEvent.CpuClock, 99)</c>). Disposing a link detaches.
/// </summary>
public static class PerfEventAttachExtensions
{
    /// <summary>
    /// Attaches <paramref name="program"/> to an open perf event and enables it, taking ownership of
    /// <paramref name="perfEvent"/> (it is closed on failure too): a perf event link on Linux 5.15+, else
    /// <c>PERF_EVENT_IOC_SET_BPF</c>.
    /// </summary>
    /// <param name="program">A program of a type the event accepts (tracepoint, kprobe, perf_event).</param>
    /// <param name="perfEvent">The perf event descriptor (from <c>perf_event_open</c>).</param>
    /// <param name="cookie">The BPF cookie the program reads with <c>bpf_get_attach_cookie</c> (Linux 5.15+); 0 for none.</param>
    /// <exception cref="EbpfNotSupportedException">A cookie on a kernel before 5.15.</exception>
    public static PerfEventLink AttachPerfEvent(this Program program, BpfFileDescriptor perfEvent, ulong cookie = 0)
    {
        ArgumentNullException.ThrowIfNull(program);
        return PerfEventLink.Attach(perfEvent, program.FileDescriptor, cookie, program.Syscalls);
    }

    /// <summary>Opens <paramref name="softwareEvent"/> on each online CPU, sampled <paramref name="frequency"/> times a second, and attaches <paramref name="program"/> to each.</summary>
    /// <param name="program">A perf_event program.</param>
    /// <param name="softwareEvent">The event; <see cref="SoftwareEvent.CpuClock"/> for a sampling profiler.</param>
    /// <param name="frequency">Samples per second (sets <c>freq</c>); not 0.</param>
    /// <returns>The links of every CPU as one; disposing it detaches from all.</returns>
    public static SoftwareEventLink AttachSoftwareEvent(this Program program, SoftwareEvent softwareEvent = SoftwareEvent.CpuClock,
        ulong frequency = 100)
    {
        ArgumentNullException.ThrowIfNull(program);
        return SoftwareEvents.AttachAllCpus(program.FileDescriptor, softwareEvent, frequency, program.Syscalls);
    }
}
