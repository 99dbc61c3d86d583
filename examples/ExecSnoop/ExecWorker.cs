using Ebpf.Kernel;
using Ebpf.Links;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Ebpf.Kernel.Interop;

namespace ExecSnoop;

/// <summary>
/// Loads execsnoop.bpf.c, attaches it to <c>syscalls/sys_enter_execve</c> and logs each event; with a
/// <see cref="TracingDuration"/>, stops the application that long after attaching.
/// </summary>
internal sealed partial class ExecWorker(IBpfSyscalls syscalls, ILogger<ExecWorker> logger, IHostApplicationLifetime lifetime,
    TracingDuration duration) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // ExecsnoopObjects is generated from execsnoop.bpf.c at build time (<BpfProgram> in ExecSnoop.csproj).
        using var objects = ExecsnoopObjects.Load(syscalls: syscalls);
        using var link = objects.TraceExecve.AttachTracepoint("syscalls", "sys_enter_execve");
        LogStarted(logger);
        // The duration counts from the attach, not from process start: loading takes its time on a slow machine.
        using var timer = duration.Value is { } tracing
            ? new Timer(_ => lifetime.StopApplication(), null, tracing, Timeout.InfiniteTimeSpan)
            : null;
        try
        {
            // The typed stream of the ring buffer: Types="events:exec_event" names struct exec_event as its records.
            await foreach (var exec in objects.ReadEventsAsync(stoppingToken))
            {
                // Command names repeat: Intern finds the string of one seen before without allocating.
                LogExec(logger, exec.Pid, exec.Ppid, FixedString.Intern(exec.Comm), FixedString.Decode(exec.Filename));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        LogStopped(logger);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Tracing execve: attached to syscalls/sys_enter_execve")]
    private static partial void LogStarted(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "exec pid={Pid} ppid={ParentPid} comm={Command} file={FileName}")]
    private static partial void LogExec(ILogger logger, uint pid, uint parentPid, string command, string fileName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tracing stopped")]
    private static partial void LogStopped(ILogger logger);
}
