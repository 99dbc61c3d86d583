// Registers a TCP congestion control written in BPF (reno.bpf.c, a struct_ops map of struct tcp_congestion_ops),
// opens TCP connections over loopback that use it, and prints every second how often each of its callbacks ran,
// until Ctrl+C or --duration seconds. Disposing the registration removes the congestion control again.
//
//   sudo dotnet run --project examples/TcpCongestion -c Release [-- --connections 4] [--duration 10]
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Ebpf.Links;
using TcpCongestion;

// The name in reno.bpf.c's struct tcp_congestion_ops (its .name member), which setsockopt(TCP_CONGESTION) takes.
const string CongestionControl = "dotnet_reno";
const string Available = "/proc/sys/net/ipv4/tcp_available_congestion_control";

int connections = 4;
TimeSpan? duration = null;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--connections" when int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0:
            connections = n;
            break;
        case "--duration" when double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds > 0:
            duration = TimeSpan.FromSeconds(seconds);
            break;
        default:
            Console.Error.WriteLine("usage: TcpCongestion [--connections N] [--duration SECONDS]");
            return 2;
    }
}

if (args.Length % 2 != 0)
{
    Console.Error.WriteLine("usage: TcpCongestion [--connections N] [--duration SECONDS]");
    return 2;
}

using var cancellation = new CancellationTokenSource();
// Ctrl+C (SIGINT) and SIGTERM end the loop below; the connections, the registration and the collection are then disposed.
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

// RenoObjects is generated from reno.bpf.c at build time (<BpfProgram> in TcpCongestion.csproj). Loading it loads
// the six struct_ops programs and creates the struct_ops map dotnet_reno with its value prepared, not registered.
using var objects = RenoObjects.Load();
var stats = objects.Stats;

// AttachAll() registers every struct_ops map of the object, as a libbpf skeleton's __attach (for this one map it is
// objects.DotnetReno.AttachStructOps()). A .struct_ops.link map registers through a link (BPF_LINK_CREATE): the
// kernel's tcp_register_congestion_control runs, and closing the link unregisters it, also when the process dies.
var registration = objects.AttachAll();
string[] available = ReadAvailable();
if (!available.Contains(CongestionControl))
{
    Console.Error.WriteLine($"{CongestionControl} is registered but missing from {Available}: {string.Join(' ', available)}");
    registration.Dispose();
    return 1;
}

Console.WriteLine($"Registered TCP congestion control {CongestionControl} (struct_ops); available: {string.Join(' ', available)}");

LoopbackTraffic traffic;
try
{
    traffic = await LoopbackTraffic.StartAsync(CongestionControl, connections);
}
catch (SocketException e)
{
    Console.Error.WriteLine($"cannot open connections using {CongestionControl}: {e.Message}");
    registration.Dispose();
    return 1;
}

Console.WriteLine($"{connections} connections over 127.0.0.1 use {traffic.ClientCongestionControl} (TCP_CONGESTION); Ctrl+C to stop.");

if (duration is { } d)
{
    cancellation.CancelAfter(d + TimeSpan.FromMilliseconds(100));
}

using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
int second = 0;
try
{
    while (await timer.WaitForNextTickAsync(cancellation.Token))
    {
        second++;
        var s = stats.Lookup(0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{second,3} s]  init {s.Init}  ssthresh {s.Ssthresh}  cong_avoid {s.CongAvoid}  undo_cwnd {s.UndoCwnd}  cwnd_event {s.CwndEvent}  set_state {s.SetState}  |  cwnd {s.Cwnd}  sent {traffic.BytesSent / (1024.0 * 1024.0):F1} MiB"));
    }
}
catch (OperationCanceledException)
{
}

// Close the connections first, then unregister: the name leaves the list of available congestion controls.
await traffic.DisposeAsync();
registration.Dispose();
available = ReadAvailable();
Console.WriteLine(available.Contains(CongestionControl)
    ? $"{CongestionControl} is still listed after unregistering: {string.Join(' ', available)}"
    : $"Unregistered {CongestionControl}; available: {string.Join(' ', available)}");
return 0;

static string[] ReadAvailable() => File.ReadAllText(Available).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    cancellation.Cancel();
}
