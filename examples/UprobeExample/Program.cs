// Attaches a uprobe (calls.bpf.c) to a C library function and prints how often it is called, every second until
// Ctrl+C or --duration seconds. Without --pid it probes this process, which calls getpid() 1000 times a second.
//
//   sudo dotnet run --project examples/UprobeExample -c Release [-- --function getpid] [--pid PID] [--duration 10]
using System.Globalization;
using System.Runtime.InteropServices;
using Ebpf.Links;
using UprobeExample;

string function = "getpid";
int? targetPid = null;
TimeSpan? duration = null;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--function":
            function = args[i + 1];
            break;
        case "--pid" when int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int pid):
            targetPid = pid;
            break;
        case "--duration" when double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds > 0:
            duration = TimeSpan.FromSeconds(seconds);
            break;
        default:
            Console.Error.WriteLine("usage: UprobeExample [--function NAME] [--pid PID] [--duration SECONDS]");
            return 2;
    }
}

if (args.Length % 2 != 0)
{
    Console.Error.WriteLine("usage: UprobeExample [--function NAME] [--pid PID] [--duration SECONDS]");
    return 2;
}

int pidToProbe = targetPid ?? Environment.ProcessId;
string? libc = Libc.FindPath(pidToProbe);
if (libc is null)
{
    Console.Error.WriteLine($"no C library is mapped into process {pidToProbe}");
    return 1;
}

using var cancellation = new CancellationTokenSource();
// Ctrl+C (SIGINT) and SIGTERM end the loop below; the links and the collection are then disposed.
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

// CallsObjects is generated from calls.bpf.c at build time (<BpfProgram> in UprobeExample.csproj).
using var objects = CallsObjects.Load();
var calls = objects.CallCount;
using var link = objects.CountCalls.AttachUprobe(libc, function, new UprobeOptions { Pid = pidToProbe });
Console.WriteLine($"Counting calls of {function} in {libc}, process {pidToProbe}; Ctrl+C to stop.");

if (duration is { } d)
{
    cancellation.CancelAfter(d + TimeSpan.FromMilliseconds(100));
}

// Probing ourselves: call getpid() so that there is something to count.
var caller = targetPid is null && function == "getpid"
    ? Task.Run(async () =>
    {
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (await tick.WaitForNextTickAsync(cancellation.Token))
        {
            for (int i = 0; i < 10; i++)
            {
                Libc.GetPid();
            }
        }
    })
    : Task.CompletedTask;

using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
ulong previous = 0;
int second = 0;
try
{
    while (await timer.WaitForNextTickAsync(cancellation.Token))
    {
        ulong total = calls.Lookup(0);
        second++;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{second,3} s]  {function}: {total - previous} calls/s, {total} in total"));
        previous = total;
    }
}
catch (OperationCanceledException)
{
}

try
{
    await caller;
}
catch (OperationCanceledException)
{
}

return 0;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    cancellation.Cancel();
}
