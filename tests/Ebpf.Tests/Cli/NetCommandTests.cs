using System.Text.Json;
using Ebpf.Cli.Net;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Links;
using Ebpf.Tests.Links;

namespace Ebpf.Tests.Cli;

/// <summary><c>ebpf net show</c> against <c>bpftool net show</c> on a veth with a netlink XDP program and clsact filters on both sides.</summary>
[Category("Kernel")]
[Category("Link")]
[NonParallelizable]
public sealed class NetCommandTests
{
    [Test]
    public void ShowAgreesWithBpftoolForXdpAndTc()
    {
        using var veth = VethNamespace.Create();
        using var loader = new TestProgramLoader();
        using var xdp = loader.Load(BpfProgramType.Xdp, result: 2, name: "xdp_pass");
        using var ingress = loader.Load(BpfProgramType.SchedCls, result: 0, name: "tc_in");
        using var egress = loader.Load(BpfProgramType.SchedCls, result: 0, name: "tc_out");
        using var qdisc = ClsactQdisc.Create(veth.HostIfIndex);
        using var xdpAttachment = xdp.AttachXdpNetlink(veth.HostIfIndex, XdpAttachFlags.Generic);
        using var inFilter = ingress.AttachTcClassifier(veth.HostIfIndex, TcDirection.Ingress);
        using var outFilter = egress.AttachTcClassifier(veth.HostIfIndex, TcDirection.Egress, new TcClassifierOptions { Name = "out:[x]" });

        var text = new StringWriter();
        Assert.That(NetCommand.Show(LinuxBpfSyscalls.Instance, veth.HostInterface, json: false, text, TextWriter.Null), Is.Zero);
        string theirs = ExternalTool.Run("bpftool", "net", "show", "dev", veth.HostInterface);
        Assert.That(text.ToString().TrimEnd(), Is.EqualTo(theirs[..theirs.IndexOf("flow_dissector:", StringComparison.Ordinal)].TrimEnd()));
        Assert.That(text.ToString(), Does.Contain("clsact/egress out:[x] id"));

        var json = new StringWriter();
        Assert.That(NetCommand.Show(LinuxBpfSyscalls.Instance, veth.HostInterface, json: true, json, TextWriter.Null), Is.Zero);
        using var ours = JsonDocument.Parse(json.ToString());
        using var bpftool = JsonDocument.Parse(ExternalTool.Run("bpftool", "-j", "net", "show", "dev", veth.HostInterface));
        foreach (string section in new[] { "xdp", "tc" })
        {
            Assert.That(ours.RootElement[0].GetProperty(section).GetRawText(), Is.EqualTo(bpftool.RootElement[0].GetProperty(section).GetRawText()), section);
        }

        Assert.That(NetCommand.Show(LinuxBpfSyscalls.Instance, "ebpf-no-such-dev", json: false, TextWriter.Null, TextWriter.Null), Is.EqualTo(1));
    }
}
