using System.Globalization;

namespace Ebpf.Tests.Links;

/// <summary>
/// A private network namespace joined to this one by a veth pair: the host end (<see cref="HostInterface"/>,
/// <see cref="HostAddress"/>) stays here, the other end lives in <see cref="Namespace"/> at <see cref="PeerAddress"/>.
/// </summary>
internal sealed class VethNamespace : IDisposable
{
    private static int _counter;

    private VethNamespace(string suffix, int subnet)
    {
        Namespace = "ebpfl" + suffix;
        HostInterface = "ebl" + suffix + "h";
        PeerInterface = "ebl" + suffix + "n";
        HostAddress = $"10.211.{subnet}.1";
        PeerAddress = $"10.211.{subnet}.2";
    }

    public string Namespace { get; }

    public string HostInterface { get; }

    public string PeerInterface { get; }

    public string HostAddress { get; }

    public string PeerAddress { get; }

    public string NamespacePath => "/var/run/netns/" + Namespace;

    public int HostIfIndex => int.Parse(File.ReadAllText($"/sys/class/net/{HostInterface}/ifindex").Trim(), CultureInfo.InvariantCulture);

    public static VethNamespace Create()
    {
        int n = Interlocked.Increment(ref _counter);
        string suffix = string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId % 100000}{n % 10}");
        var veth = new VethNamespace(suffix, (Environment.ProcessId + n) % 250);
        try
        {
            Ip("netns", "add", veth.Namespace);
            Ip("link", "add", veth.HostInterface, "type", "veth", "peer", "name", veth.PeerInterface, "netns", veth.Namespace);
            Ip("addr", "add", veth.HostAddress + "/30", "dev", veth.HostInterface);
            Ip("link", "set", veth.HostInterface, "up");
            Ip("-n", veth.Namespace, "addr", "add", veth.PeerAddress + "/30", "dev", veth.PeerInterface);
            Ip("-n", veth.Namespace, "link", "set", veth.PeerInterface, "up");
            Ip("-n", veth.Namespace, "link", "set", "lo", "up");
        }
        catch (InvalidOperationException e)
        {
            veth.Dispose();
            Assert.Inconclusive("cannot create a network namespace with a veth pair here: " + e.Message);
        }

        return veth;
    }

    /// <summary>Sends a UDP datagram from the namespace to the host end (arrives on <see cref="HostInterface"/>).</summary>
    public void SendFromNamespace() =>
        ExternalTool.Execute("ip", "netns", "exec", Namespace, "bash", "-c", $"echo hi > /dev/udp/{HostAddress}/9999");

    /// <summary>
    /// Runs <paramref name="detach"/> (a link's or attachment's <c>Dispose</c>), sends from the namespace and asserts
    /// that <paramref name="counter"/>'s program counted nothing more: it no longer runs on the host end.
    /// </summary>
    public void AssertNotCountedAfter(Action detach, TestProgramLoader counter)
    {
        detach();
        ulong after = counter.Count;
        SendFromNamespace();
        Thread.Sleep(50);
        Assert.That(counter.Count, Is.EqualTo(after), "a packet was counted after detaching");
    }

    /// <summary>Sends a UDP datagram from here into the namespace (leaves through <see cref="HostInterface"/>).</summary>
    public void SendIntoNamespace() => ExternalTool.Execute("bash", "-c", $"echo hi > /dev/udp/{PeerAddress}/9999");

    public void Dispose()
    {
        ExternalTool.Execute("ip", "link", "del", HostInterface);
        ExternalTool.Execute("ip", "netns", "del", Namespace);
    }

    private static void Ip(params string[] args) => ExternalTool.Run("ip", args);
}
