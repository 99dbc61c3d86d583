using Ebpf.Kernel;
using Ebpf.Links;
using Ebpf.Specs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ExecSnoop;

/// <summary>Loads execsnoop.bpf.c, attaches it to <c>syscalls/sys_enter_execve</c> and logs each event.</summary>
internal sealed partial class ExecWorker(IBpfSyscalls syscalls, ILogger<ExecWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string objectPath = Path.Combine(AppContext.BaseDirectory, "bpf", BitConverter.IsLittleEndian ? "execsnoop.bpfel.o" : "execsnoop.bpfeb.o");
        using var collection = Collection.Load(CollectionSpec.Load(objectPath), syscalls: syscalls);
        using var link = TracepointLink.Attach(collection.Programs["trace_execve"].FileDescriptor, "syscalls", "sys_enter_execve", syscalls: syscalls);
        using var events = new RingBufferReader(collection.Maps["events"], syscalls);
        LogStarted(logger);
        try
        {
            await foreach (var record in events.ReadAllAsync(stoppingToken))
            {
                var exec = ExecEvent.Read(record.Data.Span);
                LogExec(logger, exec.Pid, exec.ParentPid, exec.Command, exec.FileName);
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
