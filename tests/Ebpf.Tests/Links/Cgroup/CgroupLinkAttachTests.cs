using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Links;

namespace Ebpf.Tests.Links;

/// <summary>cgroup_skb egress links in a private child of the cgroup v2 hierarchy, fired by a process moved into it.</summary>
[Category("Kernel")]
[Category("Link")]
public sealed unsafe class CgroupLinkAttachTests
{
    private const string Unified = "/sys/fs/cgroup/unified";
    private TestProgramLoader _loader = null!;
    private string _cgroup = string.Empty;

    [SetUp]
    public void SetUp()
    {
        if (!File.Exists(Path.Combine(Unified, "cgroup.procs")))
        {
            Assert.Inconclusive("no cgroup v2 hierarchy at " + Unified);
        }

        _loader = new TestProgramLoader();
        _cgroup = Path.Combine(Unified, $"ebpf_links_{Environment.ProcessId}_{TestContext.CurrentContext.Test.Name}");
        Directory.CreateDirectory(_cgroup);
    }

    [TearDown]
    public void TearDown()
    {
        _loader?.Dispose();
        if (_cgroup.Length > 0 && Directory.Exists(_cgroup))
        {
            Directory.Delete(_cgroup);
        }
    }

    [Test]
    public void EgressLinkCountsPacketsOfTheCgroup()
    {
        using var program = _loader.Load(BpfProgramType.CgroupSkb, result: 1);
        using var link = program.AttachCgroup(_cgroup, BpfAttachType.CgroupInetEgress);
        SendFromCgroup();
        Assert.That(_loader.Count, Is.GreaterThan(0UL));

        var info = link.Info();
        Assert.That(info.Type, Is.EqualTo(BpfLinkType.Cgroup));
        Assert.That(info.AttachType, Is.EqualTo(BpfAttachType.CgroupInetEgress));
        Assert.That(info.CgroupId, Is.GreaterThan(0UL));

        using var json = System.Text.Json.JsonDocument.Parse(ExternalTool.Run("bpftool", "-j", "link", "show", "id", info.Id.ToString()));
        var root = json.RootElement;
        Assert.That(root.GetProperty("type").GetString(), Is.EqualTo("cgroup"));
        Assert.That(root.GetProperty("prog_id").GetUInt32(), Is.EqualTo(info.ProgramId));
        Assert.That(root.GetProperty("cgroup_id").GetUInt64(), Is.EqualTo(info.CgroupId));
        Assert.That(root.GetProperty("attach_type").GetString(), Is.EqualTo("cgroup_inet_egress"));
    }

    [Test]
    public void UpdateSwapsTheProgramAndDetachStops()
    {
        using var other = new TestProgramLoader();
        using var program = _loader.Load(BpfProgramType.CgroupSkb, result: 1);
        using var replacement = other.Load(BpfProgramType.CgroupSkb, result: 1);
        using var link = program.AttachCgroup(_cgroup, BpfAttachType.CgroupInetEgress);
        link.Update(replacement);
        SendFromCgroup();
        Assert.That(other.Count, Is.GreaterThan(0UL));
        Assert.That(_loader.Count, Is.Zero);

        link.Detach();
        ulong after = other.Count;
        SendFromCgroup();
        Assert.That(other.Count, Is.EqualTo(after));
    }

    [Test]
    public void ProgramAttachmentDetachesOnDispose()
    {
        using var program = _loader.Load(BpfProgramType.CgroupSkb, result: 1);
        using var cgroup = TestProgramLoader.Sys.System().OpenPath(_cgroup, 0x10000);
        var attachment = program.AttachRaw(cgroup, BpfAttachType.CgroupInetEgress, (uint)CgroupAttachFlags.AllowMulti);
        Assert.That(Query(cgroup), Has.Length.EqualTo(1));
        SendFromCgroup();
        Assert.That(_loader.Count, Is.GreaterThan(0UL));
        Assert.That(() => attachment.Info(), Throws.InstanceOf<EbpfNotSupportedException>());

        attachment.Dispose();
        Assert.That(Query(cgroup), Is.Empty);
    }

    private void SendFromCgroup() =>
        ExternalTool.Run("bash", "-c", $"echo $$ > {_cgroup}/cgroup.procs && echo hi > /dev/udp/127.0.0.1/9");

    private static uint[] Query(BpfFileDescriptor cgroup)
    {
        var ids = new uint[8];
        fixed (uint* p = ids)
        {
            var attr = new ProgQueryAttr
            {
                TargetFd = (uint)cgroup.DangerousGetFd(), AttachType = BpfAttachType.CgroupInetEgress, ProgIds = (ulong)p, ProgCnt = 8,
            };
            TestProgramLoader.Sys.ProgQuery(ref attr);
            return ids[..(int)attr.ProgCnt];
        }
    }
}
