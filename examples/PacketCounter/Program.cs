// Attaches an XDP program (packets.bpf.c) to a network interface and prints packets and bytes per IP protocol
// every second (totals since start) until Ctrl+C or --duration seconds.
//
//   sudo dotnet run --project examples/PacketCounter -c Release -- INTERFACE [--duration 10]
using System.Globalization;
using System.Runtime.InteropServices;
using Ebpf.Kernel;
using Ebpf.Links;
using PacketCounter;

const uint NotIp = 256;
string? interfaceName = null;
TimeSpan? duration = null;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--duration" && i + 1 < args.Length
        && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds > 0)
    {
        duration = TimeSpan.FromSeconds(seconds);
        i++;
    }
    else if (interfaceName is null && !args[i].StartsWith('-'))
    {
        interfaceName = args[i];
    }
    else
    {
        interfaceName = null;
        break;
    }
}

if (interfaceName is null)
{
    Console.Error.WriteLine("usage: PacketCounter INTERFACE [--duration SECONDS]");
    return 2;
}

using var cancellation = new CancellationTokenSource();
// Ctrl+C (SIGINT) and SIGTERM end the loop below; the links and the collection are then disposed.
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

// PacketsObjects is generated from packets.bpf.c at build time (<BpfProgram> in PacketCounter.csproj), with
// PacketsObjects.Counter for struct counter, the map's value.
using var objects = PacketsObjects.Load();
var counts = objects.PacketCounts;
using var link = objects.CountPackets.AttachXdp(interfaceName);
Console.WriteLine($"Counting packets arriving on {interfaceName} (XDP); Ctrl+C to stop.");

if (duration is { } d)
{
    cancellation.CancelAfter(d + TimeSpan.FromMilliseconds(100));
}

var perCpu = new PacketsObjects.Counter[PossibleCpus.Count];
using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
int second = 0;
try
{
    while (await timer.WaitForNextTickAsync(cancellation.Token))
    {
        second++;
        var line = new System.Text.StringBuilder(string.Create(CultureInfo.InvariantCulture, $"[{second,3} s]"));
        bool any = false;
        for (uint protocol = 0; protocol <= NotIp; protocol++)
        {
            counts.Lookup(protocol, perCpu);
            ulong packets = 0, bytes = 0;
            foreach (var counter in perCpu)
            {
                packets += counter.Packets;
                bytes += counter.Bytes;
            }

            if (packets > 0)
            {
                any = true;
                line.Append(CultureInfo.InvariantCulture, $"  {ProtocolName(protocol)}: {packets} packets, {bytes} bytes");
            }
        }

        Console.WriteLine(any ? line.ToString() : line + "  no packets yet");
    }
}
catch (OperationCanceledException)
{
}

return 0;

static string ProtocolName(uint protocol) => protocol switch
{
    0 => "HOPOPT",
    1 => "ICMP",
    2 => "IGMP",
    6 => "TCP",
    17 => "UDP",
    58 => "ICMPv6",
    256 => "non-IP",
    _ => "IP protocol " + protocol.ToString(CultureInfo.InvariantCulture),
};

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    cancellation.Cancel();
}
