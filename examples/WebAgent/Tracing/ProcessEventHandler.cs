using System.Runtime.InteropServices;
using System.Text;
using Ebpf.Hosting;
using WebAgent.Live;
using WebAgent.Telemetry;

namespace WebAgent.Tracing;

/// <summary>Turns each <c>struct process_event</c> from the ring buffer into a row of the live page and into metrics.</summary>
internal sealed class ProcessEventHandler(RecentEvents recent, AgentMetrics metrics) : IEbpfEventHandler
{
    private const uint Exec = 1;
    private const uint Exit = 2;

    public ValueTask HandleAsync(EbpfEvent record, CancellationToken cancellationToken)
    {
        var e = MemoryMarshal.Read<WebagentObjects.ProcessEvent>(record.Data.Span);
        string comm = CString(e.Comm);
        if (e.Kind == Exec)
        {
            metrics.Exec();
            recent.Add(new ProcessRow(DateTimeOffset.UtcNow, "exec", e.Pid, e.Ppid, e.Uid, comm, CString(e.Filename)));
        }
        else if (e.Kind == Exit)
        {
            var lifetime = TimeSpan.FromTicks((long)(e.DurationNs / 100));
            metrics.Exit(lifetime);
            recent.Add(new ProcessRow(DateTimeOffset.UtcNow, "exit", e.Pid, e.Ppid, e.Uid, comm, $"{ExitStatus(e.ExitCode)} after {Format(lifetime)}"));
        }

        return ValueTask.CompletedTask;
    }

    // The wait(2) status: a signal number in the low 7 bits, else the exit code in bits 8-15.
    private static string ExitStatus(int status) => (status & 0x7f) != 0 ? $"killed by signal {status & 0x7f}" : $"exit {(status >> 8) & 0xff}";

    private static string Format(TimeSpan time) => time.TotalSeconds >= 1 ? $"{time.TotalSeconds:F1} s" : $"{time.TotalMilliseconds:F1} ms";

    private static string CString(ReadOnlySpan<byte> bytes)
    {
        int end = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
    }
}
