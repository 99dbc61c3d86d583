// A worker service that logs every execve(2) on the machine: ExecWorker loads execsnoop.bpf.c, attaches it to the
// syscalls/sys_enter_execve tracepoint and streams the ring buffer's events until the host stops.
//
//   sudo dotnet run --project examples/ExecSnoop -c Release [-- --duration 10]
using System.Globalization;
using Ebpf.Hosting;
using ExecSnoop;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

TimeSpan? duration = null;
int at = Array.IndexOf(args, "--duration");
if (at >= 0)
{
    if (at + 1 >= args.Length || !double.TryParse(args[at + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || seconds <= 0)
    {
        Console.Error.WriteLine("usage: ExecSnoop [--duration SECONDS]");
        return 2;
    }

    duration = TimeSpan.FromSeconds(seconds);
    args = [.. args[..at], .. args[(at + 2)..]];
}

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
builder.Services.AddEbpf();
builder.Services.AddSingleton(new TracingDuration(duration));
builder.Services.AddHostedService<ExecWorker>();
using var host = builder.Build();
await host.RunAsync();
return 0;
