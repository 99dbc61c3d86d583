using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Links;

/// <summary>Attaches tracepoint programs (<c>BPF_PROG_TYPE_TRACEPOINT</c>) to kernel tracepoints through perf events.</summary>
internal static class Tracepoint
{
    /// <summary><c>PERF_TYPE_TRACEPOINT</c>.</summary>
    internal const uint PerfTypeTracepoint = 2;

    /// <summary>
    /// Attaches <paramref name="program"/> to tracepoint <paramref name="group"/>/<paramref name="name"/>
    /// (<c>perf_event_open(PERF_TYPE_TRACEPOINT)</c>, then a perf event link or <c>PERF_EVENT_IOC_SET_BPF</c>).
    /// </summary>
    /// <exception cref="ArgumentException">No such tracepoint.</exception>
    public static PerfEventLink Attach(BpfFileDescriptor program, string group, string name, ulong cookie, IBpfSyscalls sys)
    {
        ArgumentNullException.ThrowIfNull(program);
        uint id = Tracefs.EventId(group, name, sys);
        return AttachById(program, id, cookie, sys, null);
    }

    /// <summary>Opens a perf event on tracepoint <paramref name="id"/> and attaches; <paramref name="cleanup"/> runs on close.</summary>
    internal static PerfEventLink AttachById(BpfFileDescriptor program, uint id, ulong cookie, IBpfSyscalls sys, Action? cleanup)
    {
        var attr = new PerfEventAttr { Type = PerfTypeTracepoint, Config = id, SamplePeriod = 1, WakeupEvents = 1 };
        BpfFileDescriptor perfEvent;
        try
        {
            perfEvent = sys.System().PerfEventOpen(attr, -1, 0, -1, PerfEventLink.FlagFdCloExec);
        }
        catch
        {
            cleanup?.Invoke();
            throw;
        }

        return PerfEventLink.Attach(perfEvent, program, cookie, sys, cleanup);
    }
}
