using System.Globalization;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Links;

/// <summary>
/// A kprobe or uprobe created by writing to tracefs <c>kprobe_events</c> / <c>uprobe_events</c>, the way kernels
/// without probe PMUs (before 4.17) attach probes. Removed again by <see cref="Remove"/>.
/// </summary>
internal sealed class TracefsProbeEvent
{
    private const string Group = "ebpf_net";
    private static int _counter;

    private TracefsProbeEvent(string eventsFile, string name, uint id)
    {
        EventsFile = eventsFile;
        Name = name;
        Id = id;
    }

    public string EventsFile { get; }

    public string Name { get; }

    /// <summary>The tracepoint id of the new event.</summary>
    public uint Id { get; }

    /// <summary>Creates the event: <paramref name="kind"/> is <c>kprobe</c> or <c>uprobe</c>; <paramref name="target"/> is <c>sym+off</c> or <c>/path:0xoff</c>.</summary>
    /// <exception cref="EbpfNotSupportedException">The kernel has no such probe events.</exception>
    public static TracefsProbeEvent Create(string kind, string target, bool retprobe, IBpfSyscalls sys)
    {
        if (target.AsSpan().IndexOfAny(" \t\r\n") >= 0)
        {
            throw new ArgumentException($"'{target}' cannot be written to {kind}_events: it contains white space", nameof(target));
        }

        string root = Tracefs.GetPath(sys);
        string eventsFile = Path.Combine(root, kind + "_events");
        if (!File.Exists(eventsFile))
        {
            throw new EbpfNotSupportedException($"{kind}s (CONFIG_{kind.ToUpperInvariant()}S)", kind == "kprobe" ? "4.1" : "4.3", Errno.ENOENT);
        }

        string name = string.Create(CultureInfo.InvariantCulture, $"{kind}_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}");
        File.AppendAllText(eventsFile, $"{(retprobe ? 'r' : 'p')}:{Group}/{name} {target}\n");
        string idFile = Path.Combine(root, "events", Group, name, "id");
        uint id = uint.Parse(File.ReadAllText(idFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
        return new TracefsProbeEvent(eventsFile, name, id);
    }

    /// <summary>Deletes the event; errors are ignored (the event may already be gone).</summary>
    public void Remove()
    {
        try
        {
            File.AppendAllText(EventsFile, $"-:{Group}/{Name}\n");
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
