using Ebpf.Asm;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Moq;

namespace Ebpf.Tests.Kernel;

/// <summary>Feature probe decisions over a mocked <see cref="IBpfSyscalls"/>.</summary>
public sealed class FeaturesTests
{
    private static BpfFileDescriptor NoFd() => new(-1);

    [Test]
    public void SupportedMapTypeIsProbedOnce()
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Returns(NoFd);
        var features = new Features(sys.Object);

        Assert.DoesNotThrow(() => features.HaveMapType(BpfMapType.Hash));
        Assert.DoesNotThrow(() => features.HaveMapType(BpfMapType.Hash));
        sys.Verify(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny), Times.Once);
    }

    [Test]
    public void EinvalMeansTheMapTypeIsMissing()
    {
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Throws(() => new EbpfException(BpfCommand.MapCreate, Errno.EINVAL));
        var features = new Features(sys.Object);

        var e = Assert.Throws<EbpfNotSupportedException>(() => features.HaveMapType(BpfMapType.Ringbuf))!;
        using var scope = Assert.EnterMultipleScope();
        Assert.That(e.Feature, Is.EqualTo("map type BPF_MAP_TYPE_RINGBUF"));
        Assert.That(e.MinimumKernelVersion, Is.EqualTo("5.8"));
        Assert.That(e.Errno, Is.EqualTo(Errno.EINVAL));
        Assert.Throws<EbpfNotSupportedException>(() => features.HaveMapType(BpfMapType.Ringbuf));
        sys.Verify(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny), Times.Once);
    }

    [Test]
    public void PermissionErrorsPropagateAndAreNotCached()
    {
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Throws(() => new EbpfPermissionException(BpfCommand.MapCreate, Errno.EPERM));
        var features = new Features(sys.Object);

        Assert.Throws<EbpfPermissionException>(() => features.HaveMapType(BpfMapType.Hash));
        Assert.Throws<EbpfPermissionException>(() => features.HaveMapType(BpfMapType.Hash));
        sys.Verify(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny), Times.Exactly(2));
    }

    [Test]
    public void RingbufProbeUsesAPageAndNoKeyOrValue()
    {
        MapCreateAttr seen = default;
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny))
            .Callback(new MapCreateCallback((in MapCreateAttr a) => seen = a))
            .Returns(NoFd);
        new Features(sys.Object).HaveMapType(BpfMapType.Ringbuf);

        using var scope = Assert.EnterMultipleScope();
        Assert.That(seen.MapType, Is.EqualTo(BpfMapType.Ringbuf));
        Assert.That(seen.KeySize, Is.Zero);
        Assert.That(seen.ValueSize, Is.Zero);
        Assert.That(seen.MaxEntries, Is.EqualTo((uint)Environment.SystemPageSize));
    }

    [Test]
    public void LocalStorageProbeTreatsBadBtfFdAsSupported()
    {
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Throws(() => new EbpfException(BpfCommand.MapCreate, Errno.EBADF));
        var features = new Features(sys.Object);

        Assert.DoesNotThrow(() => features.HaveMapType(BpfMapType.TaskStorage));
        Assert.Throws<EbpfException>(() => features.HaveMapType(BpfMapType.Hash), "EBADF says nothing for other types");
    }

    [Test]
    public void MapInMapProbeCreatesAndClosesAnInnerMap()
    {
        var calls = new List<MapCreateAttr>();
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny))
            .Callback(new MapCreateCallback((in MapCreateAttr a) => calls.Add(a)))
            .Returns(() => new BpfFileDescriptor(1000 + calls.Count, ownsHandle: false));
        new Features(sys.Object).HaveMapType(BpfMapType.HashOfMaps);

        Assert.That(calls, Has.Count.EqualTo(2));
        Assert.That(calls[0].MapType, Is.EqualTo(BpfMapType.Array));
        Assert.That(calls[1].InnerMapFd, Is.EqualTo(1001));
    }

    [Test]
    public void MapFlagProbeSetsTheFlag()
    {
        MapCreateAttr seen = default;
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny))
            .Callback(new MapCreateCallback((in MapCreateAttr a) => seen = a))
            .Throws(() => new EbpfException(BpfCommand.MapCreate, Errno.EINVAL));
        var e = Assert.Throws<EbpfNotSupportedException>(() => new Features(sys.Object).HaveMapFlag(BpfMapFlags.Mmapable))!;

        Assert.That(seen.MapFlags, Is.EqualTo(BpfMapFlags.Mmapable));
        Assert.That(e.Feature, Is.EqualTo("map flag BPF_F_MMAPABLE"));
        Assert.That(e.MinimumKernelVersion, Is.EqualTo("5.5"));
    }

    [Test]
    public void MapFlagProbeWantsOneFlag()
    {
        var features = new Features(Mock.Of<IBpfSyscalls>());
        Assert.Throws<ArgumentException>(() => features.HaveMapFlag(BpfMapFlags.Rdonly | BpfMapFlags.Wronly));
        Assert.Throws<ArgumentException>(() => features.HaveMapFlag(BpfMapFlags.None));
        Assert.Throws<ArgumentException>(() => features.HaveMapFlag(BpfMapFlags.TokenFd));
    }

    [Test]
    public void ObjectNameProbeNamesTheMap()
    {
        MapCreateAttr seen = default;
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny))
            .Callback(new MapCreateCallback((in MapCreateAttr a) => seen = a))
            .Returns(NoFd);
        new Features(sys.Object).HaveObjectName();
        Assert.That(seen.MapName.ToString(), Is.Not.Empty);
    }

    [Test]
    public void UnknownProgramTypeFailsBeforeTheVerifier()
    {
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny))
            .Throws(() => new EbpfVerifierException(BpfCommand.ProgLoad, Errno.EINVAL, string.Empty, false));
        var e = Assert.Throws<EbpfNotSupportedException>(() => new Features(sys.Object).HaveProgramType(BpfProgramType.Netfilter))!;
        Assert.That(e.Feature, Is.EqualTo("program type BPF_PROG_TYPE_NETFILTER"));
        Assert.That(e.MinimumKernelVersion, Is.EqualTo("6.4"));
    }

    [Test]
    public void ProgramTypeThatReachesTheVerifierExists()
    {
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny))
            .Throws(() => new EbpfVerifierException(BpfCommand.ProgLoad, Errno.EINVAL, "attach_btf_id 1 is not a function\n", false));
        Assert.DoesNotThrow(() => new Features(sys.Object).HaveProgramType(BpfProgramType.Tracing));
    }

    [Test]
    public void EpermOfATracingProbeMeansTheTypeIsKnown()
    {
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny))
            .Throws(() => new EbpfPermissionException(BpfCommand.ProgLoad, Errno.EPERM));
        var features = new Features(sys.Object);
        Assert.DoesNotThrow(() => features.HaveProgramType(BpfProgramType.Lsm));
        Assert.Throws<EbpfPermissionException>(() => features.HaveProgramType(BpfProgramType.Xdp), "other types: a real permission error");
    }

    [Test]
    public void ProgramProbeSetsExpectedAttachTypeAndLicense()
    {
        ProgLoadAttr seen = default;
        string license = string.Empty;
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny))
            .Callback(new ProgLoadCallback((ref ProgLoadAttr a) =>
            {
                seen = a;
                license = ReadCString(a.License);
            }))
            .Returns(NoFd);
        new Features(sys.Object).HaveProgramType(BpfProgramType.CgroupSockAddr);

        using var scope = Assert.EnterMultipleScope();
        Assert.That(seen.ExpectedAttachType, Is.EqualTo(BpfAttachType.CgroupInet4Connect));
        Assert.That(seen.InsnCnt, Is.EqualTo(2));
        Assert.That(seen.LogBuf, Is.Not.Zero);
        Assert.That(license, Is.EqualTo("GPL"));
    }

    [Test]
    public void HelperProbeReadsTheVerifierLog()
    {
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny))
            .Returns(new ProgLoadReturn((ref ProgLoadAttr a) => a.InsnCnt == 3
                ? throw new EbpfVerifierException(BpfCommand.ProgLoad, Errno.EINVAL, "0: (85) call bpf_override_return#58\nprogram of this type cannot use helper bpf_override_return#58\n", false)
                : NoFd()));
        var features = new Features(sys.Object);

        var e = Assert.Throws<EbpfNotSupportedException>(() => features.HaveHelper(BpfProgramType.SocketFilter, Helper.OverrideReturn))!;
        Assert.That(e.Feature, Is.EqualTo("bpf_override_return in BPF_PROG_TYPE_SOCKET_FILTER programs"));
    }

    [Test]
    public void UsdtNeedsBpfProbeReadKernel()
    {
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny))
            .Returns(new ProgLoadReturn((ref ProgLoadAttr a) => a.InsnCnt == 3
                ? throw new EbpfVerifierException(BpfCommand.ProgLoad, Errno.EINVAL, "0: (85) call unknown#113\ninvalid func unknown#113\n", false)
                : NoFd()));

        var e = Assert.Throws<EbpfNotSupportedException>(() => new Features(sys.Object).HaveUsdt())!;
        Assert.That(e.Feature, Does.StartWith("USDT probes (").And.Contain("bpf_probe_read_kernel"));
        Assert.That(e.MinimumKernelVersion, Is.EqualTo("5.5"));
    }

    [Test]
    public void HelperWithWrongArgumentsStillExists()
    {
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny))
            .Returns(new ProgLoadReturn((ref ProgLoadAttr a) => a.InsnCnt == 3
                ? throw new EbpfVerifierException(BpfCommand.ProgLoad, Errno.EACCES, "R1 type=ctx expected=map_ptr\n", false)
                : NoFd()));
        Assert.DoesNotThrow(() => new Features(sys.Object).HaveHelper(BpfProgramType.Xdp, Helper.MapLookupElem));
    }

    [Test]
    public void HelperProbeNeedsALoadableProgramType()
    {
        Assert.Throws<ArgumentException>(() => new Features(Mock.Of<IBpfSyscalls>()).HaveHelper(BpfProgramType.Tracing, Helper.KtimeGetNs));
    }

    [Test]
    public void IsSupportedTurnsProbesIntoBooleans()
    {
        using var scope = Assert.EnterMultipleScope();
        Assert.That(Features.IsSupported(() => { }), Is.True);
        Assert.That(Features.IsSupported(() => throw new EbpfNotSupportedException("x", null, Errno.EINVAL)), Is.False);
        Assert.Throws<EbpfException>(() => Features.IsSupported(() => throw new EbpfException("other")));
    }

    private static unsafe string ReadCString(ulong address) =>
        System.Runtime.InteropServices.Marshal.PtrToStringUTF8((nint)address) ?? string.Empty;

    [Test]
    public void TcNetlinkNeedsClsBpfAndClsact()
    {
        var both = new Dictionary<string, string> { ["CONFIG_NET_CLS_BPF"] = "m", ["CONFIG_NET_SCH_INGRESS"] = "y" };
        Assert.That(Features.TcNetlinkRefusal(both), Is.Null);
        Assert.That(Features.TcNetlinkRefusal(null), Is.Null, "an unreadable configuration leaves the answer to the attach");

        var noClsact = new Dictionary<string, string> { ["CONFIG_NET_CLS_BPF"] = "y" };
        var refusal = Features.TcNetlinkRefusal(noClsact)!;
        Assert.That((refusal.Feature, refusal.MinimumKernelVersion), Is.EqualTo(("TC classifiers through netlink (clsact and cls_bpf: CONFIG_NET_SCH_INGRESS is not set)", "4.5")));
        Assert.That(Features.TcNetlinkRefusal(new Dictionary<string, string> { ["CONFIG_NET_SCH_INGRESS"] = "y", ["CONFIG_NET_CLS_BPF"] = "n" })!.Feature,
            Does.Contain("CONFIG_NET_CLS_BPF"));
    }
}
