// Counts system calls per process with a tracepoint program (syscalls.bpf.c) and prints the busiest
// processes every second until Ctrl+C or --duration seconds.
//
//   sudo dotnet run --project examples/SyscallCounter -c Release [-- --duration 10] [--top 15]
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Ebpf.Links;
using SyscallCounter;

var options = CommandLine.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: SyscallCounter [--duration SECONDS] [--top N]");
    return 2;
}

if (!Environment.IsPrivilegedProcess)
{
    Console.Error.WriteLine("SyscallCounter loads a BPF program: run it as root (sudo).");
    return 1;
}

using var cancellation = new CancellationTokenSource();
// Ctrl+C (SIGINT) and SIGTERM end the loop below; the links and the collection are then disposed.
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
// SyscallsObjects is generated from syscalls.bpf.c at build time (<BpfProgram> in SyscallCounter.csproj).
using var objects = SyscallsObjects.Load();
var counts = objects.SyscallCounts;
using var link = objects.CountSyscalls.AttachTracepoint("raw_syscalls", "sys_enter");

var table = new SyscallTable(options.Top, options.Duration, Console.IsOutputRedirected ? null : Console.Out);
var clock = Stopwatch.StartNew();

// The last table is printed at the duration's last full second; the run ends just after it.
if (options.Duration is { } duration)
{
    cancellation.CancelAfter(duration + TimeSpan.FromMilliseconds(100));
}

var previous = new Dictionary<uint, ulong>();
using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
try
{
    while (await timer.WaitForNextTickAsync(cancellation.Token))
    {
        var current = new Dictionary<uint, ulong>();
        foreach (var (pid, count) in counts.Entries())
        {
            current[pid] = count;
        }

        table.Print(Console.Out, clock.Elapsed, current, previous);
        previous = current;
    }
}
catch (OperationCanceledException)
{
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stopped after {clock.Elapsed.TotalSeconds:F1} s"));
return 0;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    cancellation.Cancel();
}
