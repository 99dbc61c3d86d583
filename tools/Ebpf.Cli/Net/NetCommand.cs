using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ebpf.Cli.Json;
using Ebpf.Kernel.Interop;
using Ebpf.Links;

namespace Ebpf.Cli.Net;

/// <summary>
/// <c>ebpf net show [dev NAME] [--json]</c>: the XDP programs and clsact <c>cls_bpf</c> filters of the network devices,
/// read through rtnetlink, as the <c>xdp</c> and <c>tc</c> sections of <c>bpftool net show</c> print them.
/// </summary>
public static class NetCommand
{
    /// <summary>Creates the <c>net</c> command group.</summary>
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON (bpftool's field names) instead of text." };
        var device = new Option<string?>("--dev") { Description = "Only this device." };
        var show = new Command("show", "Show the XDP programs and tc filters of the network devices.") { device, json };
        show.SetAction(result => Show(LinuxBpfSyscalls.Instance, result.GetValue(device), result.GetValue(json), Console.Out, Console.Error));
        return new Command("net", "Inspect networking BPF attachments (XDP, tc).") { show };
    }

    /// <summary>Writes the XDP programs and tc filters of <paramref name="deviceName"/>, or of every device when null.</summary>
    /// <returns>The process exit code: 0, or 1 when the device does not exist.</returns>
    public static int Show(IBpfSyscalls syscalls, string? deviceName, bool json, TextWriter output, TextWriter error)
    {
        List<(string Name, int IfIndex)> devices;
        try
        {
            devices = deviceName is null
                ? [.. Directory.GetDirectories("/sys/class/net").Select(Path.GetFileName).Select(n => (n!, NetworkInterfaceIndex.Of(n!))).OrderBy(d => d.Item2)]
                : [(deviceName, NetworkInterfaceIndex.Of(deviceName))];
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"Error: {e.Message}");
            return 1;
        }

        var xdp = new List<NetXdpEntry>();
        var tc = new List<NetTcEntry>();
        foreach (var (name, ifIndex) in devices)
        {
            var info = XdpAttachment.Query(ifIndex, syscalls);
            foreach (var (mode, id) in new[] { ("generic", info.GenericProgramId), ("driver", info.DriverProgramId), ("offload", info.OffloadProgramId) })
            {
                if (id != 0)
                {
                    xdp.Add(new NetXdpEntry(name, ifIndex, mode, id));
                }
            }

            foreach (var direction in new[] { TcDirection.Ingress, TcDirection.Egress })
            {
                foreach (var filter in TcClassifier.List(ifIndex, direction, syscalls))
                {
                    tc.Add(new NetTcEntry(name, ifIndex, "clsact/" + direction.ToString().ToLowerInvariant(), filter.Name ?? string.Empty, filter.ProgramId));
                }
            }
        }

        if (json)
        {
            NetReport[] document = [new NetReport(xdp, tc)];
            output.WriteLine(JsonSerializer.Serialize(document, CliJsonContext.Compact.NetReportArray));
            return 0;
        }

        output.WriteLine("xdp:");
        foreach (var x in xdp)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{x.Device}({x.IfIndex}) {x.Mode} id {x.Id}"));
        }

        output.WriteLine();
        output.WriteLine("tc:");
        foreach (var t in tc)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{t.Device}({t.IfIndex}) {t.Kind} {t.Name} id {t.Id}"));
        }

        return 0;
    }
}
