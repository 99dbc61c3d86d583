using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel;

/// <summary>
/// <c>struct bpf_link_info</c> offsets, from gcc's <c>offsetof</c> over the 6.18 kernel's own header
/// (<c>bpftool btf dump file /sys/kernel/btf/vmlinux format c</c>); the installed uapi header is older.
/// </summary>
public sealed class BpfLinkInfoLayoutTests
{
    [Test]
    public unsafe void OffsetsMatchTheKernel()
    {
        BpfLinkInfo a = default;
        byte* b = (byte*)&a;
        using var scope = Assert.EnterMultipleScope();
        Assert.That(sizeof(BpfLinkInfo), Is.EqualTo(64));
        Assert.That((byte*)&a.ProgId - b, Is.EqualTo(8));
        Assert.That((byte*)&a.NameBuffer - b, Is.EqualTo(16));
        Assert.That((byte*)&a.NameBufferLen - b, Is.EqualTo(24));
        Assert.That((byte*)&a.IterMapId - b, Is.EqualTo(28));
        Assert.That((byte*)&a.RawTracepointCookie - b, Is.EqualTo(32));
        Assert.That((byte*)&a.TracingTargetBtfId - b, Is.EqualTo(24));
        Assert.That((byte*)&a.CgroupAttachType - b, Is.EqualTo(24));
        Assert.That((byte*)&a.NetnsAttachType - b, Is.EqualTo(20));
        Assert.That((byte*)&a.NetfilterPriority - b, Is.EqualTo(24));
        Assert.That((byte*)&a.KprobeMultiMissed - b, Is.EqualTo(32));
        Assert.That((byte*)&a.UprobeMultiPathSize - b, Is.EqualTo(48));
        Assert.That((byte*)&a.UprobeMultiCount - b, Is.EqualTo(52));
        Assert.That((byte*)&a.UprobeMultiPid - b, Is.EqualTo(60));
        Assert.That((byte*)&a.PerfEventName - b, Is.EqualTo(24));
        Assert.That((byte*)&a.PerfEventNameLen - b, Is.EqualTo(32));
        Assert.That((byte*)&a.PerfEventOffset - b, Is.EqualTo(36));
        Assert.That((byte*)&a.PerfEventCookie - b, Is.EqualTo(40));
        Assert.That((byte*)&a.PerfEventUprobeRefCtrOffset - b, Is.EqualTo(48));
        Assert.That((byte*)&a.PerfEventKprobeMissed - b, Is.EqualTo(48));
        Assert.That((byte*)&a.PerfEventKprobeCookie - b, Is.EqualTo(56));
        Assert.That((byte*)&a.DeviceAttachType - b, Is.EqualTo(20));
        Assert.That((byte*)&a.SockmapAttachType - b, Is.EqualTo(20));
    }

    [Test]
    public unsafe void IterCreateIsEightBytes() => Assert.That(sizeof(IterCreateAttr), Is.EqualTo(8));
}
