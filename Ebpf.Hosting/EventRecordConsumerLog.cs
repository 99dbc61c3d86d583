using Ebpf.Kernel;
using Microsoft.Extensions.Logging;

namespace Ebpf.Hosting;

/// <summary>The log messages of <see cref="EbpfEventRecordConsumer{TEvent}"/> (a generic type cannot hold them).</summary>
internal static partial class EventRecordConsumerLog
{
    [LoggerMessage(1, LogLevel.Information, "eBPF event consumer reading {Source} ({Kind}) as {EventType} ({EventSize} bytes)")]
    public static partial void Reading(ILogger logger, string source, EventBufferKind kind, string eventType, int eventSize);

    [LoggerMessage(3, LogLevel.Warning, "eBPF perf events lost on {Source}: {Lost} samples (last on CPU {Cpu})")]
    public static partial void Lost(ILogger logger, string source, ulong lost, int cpu);

    [LoggerMessage(4, LogLevel.Warning, "eBPF ring buffer {Source} of {Size} bytes holds {Records} records of {EventSize} bytes, fewer than {Minimum}: "
        + "a burst or a late wake-up will drop events; give it at least {Needed} bytes (max_entries)")]
    public static partial void SmallRing(ILogger logger, string source, int size, long records, int eventSize, int minimum, long needed);

    [LoggerMessage(5, LogLevel.Warning, "eBPF perf event array {Source}: a CPU's ring of {Size} bytes holds {Records} samples of {EventSize} bytes, fewer than {Minimum}: "
        + "a burst or a late wake-up will drop events; give it at least {Pages} pages (PerfEventReaderOptions.PagesPerCpu)")]
    public static partial void SmallPerfRing(ILogger logger, string source, long size, long records, int eventSize, int minimum, long pages);

    [LoggerMessage(6, LogLevel.Warning, "eBPF event consumer {Source}: a record of {Length} bytes is shorter than {EventType} ({EventSize} bytes), skipped "
        + "(the program submits another type, or the struct does not match the C layout); later ones are counted in ebpf.events.short")]
    public static partial void TooShort(ILogger logger, string source, int length, string eventType, int eventSize);
}
