using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel;

/// <summary>
/// Fields newer than the 6.1 uapi header the generated layout tests read; offsets from the current
/// include/uapi/linux/bpf.h. Most sit in padding or union slots, so the 6.1 sizes still hold; the token fields
/// (Linux 6.9) extend map create, prog load and BTF load, whose sizes are checked here.
/// </summary>
public sealed class AttrLayoutExtensionTests
{
    [Test]
    public unsafe void ProgLoadLogTrueSizeFollowsCoreReloRecSize()
    {
        ProgLoadAttr a = default;
        byte* b = (byte*)&a;
        Assert.That((byte*)&a.LogTrueSize - b, Is.EqualTo(140));
    }

    [Test]
    public unsafe void BtfLoadLogTrueSizeFollowsLogLevel()
    {
        BtfLoadAttr a = default;
        byte* b = (byte*)&a;
        Assert.That((byte*)&a.BtfLogTrueSize - b, Is.EqualTo(28));
    }

    [Test]
    public unsafe void MapCreateTokenFieldsFollowMapExtra()
    {
        MapCreateAttr a = default;
        byte* b = (byte*)&a;
        using var scope = Assert.EnterMultipleScope();
        Assert.That((byte*)&a.ValueTypeBtfObjFd - b, Is.EqualTo(72));
        Assert.That((byte*)&a.MapTokenFd - b, Is.EqualTo(76));
        Assert.That(sizeof(MapCreateAttr), Is.EqualTo(80));
    }

    [Test]
    public unsafe void ProgLoadTokenFdFollowsLogTrueSize()
    {
        ProgLoadAttr a = default;
        byte* b = (byte*)&a;
        using var scope = Assert.EnterMultipleScope();
        Assert.That((byte*)&a.ProgTokenFd - b, Is.EqualTo(144));
        Assert.That(sizeof(ProgLoadAttr), Is.EqualTo(152), "rounded to the union's 8-byte alignment");
    }

    [Test]
    public unsafe void BtfLoadFlagsAndTokenFdFollowLogTrueSize()
    {
        BtfLoadAttr a = default;
        byte* b = (byte*)&a;
        using var scope = Assert.EnterMultipleScope();
        Assert.That((byte*)&a.BtfFlags - b, Is.EqualTo(32));
        Assert.That((byte*)&a.BtfTokenFd - b, Is.EqualTo(36));
        Assert.That(sizeof(BtfLoadAttr), Is.EqualTo(40));
        Assert.That(BtfLoadAttr.TokenFdFlag, Is.EqualTo((uint)BpfMapFlags.TokenFd), "BPF_F_TOKEN_FD is one flag for all three commands");
    }

    [Test]
    public unsafe void TokenCreateIsFlagsThenBpffsFd()
    {
        TokenCreateAttr a = default;
        byte* b = (byte*)&a;
        using var scope = Assert.EnterMultipleScope();
        Assert.That((byte*)&a.Flags - b, Is.EqualTo(0));
        Assert.That((byte*)&a.BpffsFd - b, Is.EqualTo(4));
        Assert.That(sizeof(TokenCreateAttr), Is.EqualTo(8));
    }

    [Test]
    public unsafe void LinkCreateNewerUnionMembers()
    {
        LinkCreateAttr a = default;
        byte* b = (byte*)&a;
        using var scope = Assert.EnterMultipleScope();
        Assert.That((byte*)&a.NetfilterPf - b, Is.EqualTo(16));
        Assert.That((byte*)&a.NetfilterHooknum - b, Is.EqualTo(20));
        Assert.That((byte*)&a.NetfilterPriority - b, Is.EqualTo(24));
        Assert.That((byte*)&a.NetfilterFlags - b, Is.EqualTo(28));
        Assert.That((byte*)&a.RelativeFdOrId - b, Is.EqualTo(16));
        Assert.That((byte*)&a.ExpectedRevision - b, Is.EqualTo(24));
        Assert.That((byte*)&a.UprobeMultiPath - b, Is.EqualTo(16));
        Assert.That((byte*)&a.UprobeMultiOffsets - b, Is.EqualTo(24));
        Assert.That((byte*)&a.UprobeMultiRefCtrOffsets - b, Is.EqualTo(32));
        Assert.That((byte*)&a.UprobeMultiCookies - b, Is.EqualTo(40));
        Assert.That((byte*)&a.UprobeMultiCnt - b, Is.EqualTo(48));
        Assert.That((byte*)&a.UprobeMultiFlags - b, Is.EqualTo(52));
        Assert.That((byte*)&a.UprobeMultiPid - b, Is.EqualTo(56));
    }

    [Test]
    public unsafe void ResourceLimitIsTwoWords()
    {
        Assert.That(sizeof(ResourceLimit), Is.EqualTo(16));
    }

    [Test]
    public unsafe void RawTracepointOpenCookieFollowsPadding()
    {
        RawTracepointOpenAttr a = default;
        byte* b = (byte*)&a;
        Assert.That((byte*)&a.Cookie - b, Is.EqualTo(16));
    }
}
