using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel;

public sealed class ErrnoMappingTests
{
    [TestCase(Errno.EPERM)]
    [TestCase(Errno.EACCES)]
    public void PermissionErrorsCarryThisProcesssDiagnosis(Errno errno)
    {
        var e = errno.ToException(BpfCommand.MapCreate);
        Assert.That(e, Is.TypeOf<EbpfPermissionException>());
        var p = (EbpfPermissionException)e;
        using var scope = Assert.EnterMultipleScope();
        Assert.That(p.Errno, Is.EqualTo(errno));
        Assert.That(p.Command, Is.EqualTo(BpfCommand.MapCreate));
        Assert.That(p.Operation, Is.EqualTo("BPF_MAP_CREATE"));
        Assert.That(p.Message, Does.Contain("CAP_BPF").And.Contain("CAP_SYS_ADMIN"));
        Assert.That(p.Message, Does.EndWith(PermissionDiagnosis.Read().Explain().Text), "the capability hint (with MEMLOCK) only when they are not effective");
    }

    [TestCase(BpfCommand.MapLookupElem)]
    [TestCase(BpfCommand.MapDeleteElem)]
    [TestCase(BpfCommand.MapGetNextKey)]
    [TestCase(BpfCommand.MapLookupAndDeleteElem)]
    public void MissingKeyIsKeyNotFound(BpfCommand command)
    {
        var e = Errno.ENOENT.ToException(command);
        Assert.That(e, Is.TypeOf<EbpfKeyNotFoundException>());
        Assert.That(((EbpfException)e).Errno, Is.EqualTo(Errno.ENOENT));
    }

    [Test]
    public void MissingObjectIsPlainEbpfException()
    {
        var e = Errno.ENOENT.ToException(BpfCommand.ObjGet);
        Assert.That(e, Is.TypeOf<EbpfException>());
        Assert.That(e.Message, Does.StartWith("BPF_OBJ_GET failed: ").And.Contain("ENOENT"));
    }

    [TestCase(Errno.EOPNOTSUPP)]
    [TestCase(Errno.ENOTSUPP)]
    public void NotSupportedIsNotSupportedException(Errno errno)
    {
        var e = errno.ToException(BpfCommand.MapLookupElem);
        Assert.That(e, Is.InstanceOf<NotSupportedException>());
        var n = (EbpfNotSupportedException)e;
        Assert.That(n.Errno, Is.EqualTo(errno));
        Assert.That(n.Feature, Does.Contain("BPF_MAP_LOOKUP_ELEM"));
    }

    [Test]
    public void InvalidArgumentIsPlainEbpfException()
    {
        var e = Errno.EINVAL.ToException(BpfCommand.ProgAttach);
        Assert.That(e, Is.TypeOf<EbpfException>());
        Assert.That(e.Message, Does.Contain("Invalid argument (EINVAL)"));
    }

    [Test]
    public void SuccessIsNotAnError()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Errno.None.ToException(BpfCommand.MapCreate));
        Assert.DoesNotThrow(() => Errno.None.ThrowIfFailed(BpfCommand.MapCreate));
    }

    [Test]
    public void ThrowIfFailedThrowsTheMappedException()
    {
        Assert.Throws<EbpfKeyNotFoundException>(() => Errno.ENOENT.ThrowIfFailed(BpfCommand.MapLookupElem));
    }

    [Test]
    public void NotSupportedNamesFeatureAndVersion()
    {
        var e = new EbpfNotSupportedException("map type BPF_MAP_TYPE_RINGBUF", "5.8", Errno.EINVAL);
        Assert.That(e.Message, Is.EqualTo("map type BPF_MAP_TYPE_RINGBUF is not supported by this kernel (requires Linux 5.8 or later); the kernel returned Invalid argument (EINVAL)"));
    }

    [Test]
    public void VerifierExceptionShowsTheLogTail()
    {
        string log = string.Join('\n', Enumerable.Range(0, 30).Select(i => $"line {i}")) + "\n";
        var e = new EbpfVerifierException(BpfCommand.ProgLoad, Errno.EACCES, log, logTruncated: false);
        using var scope = Assert.EnterMultipleScope();
        Assert.That(e.Log, Is.EqualTo(log));
        Assert.That(e.Message, Does.Contain("line 29").And.Contain("line 10").And.Not.Contain("line 9\n"));
        Assert.That(e.Message, Does.Contain("10 lines before"));
        Assert.That(e, Is.InstanceOf<EbpfException>());
    }

    [Test]
    public void KernelNamesKnowAliasesAndUnknownValues()
    {
        using var scope = Assert.EnterMultipleScope();
        Assert.That(KernelNames.Of(BpfCommand.ProgRun), Is.EqualTo("BPF_PROG_TEST_RUN"));
        Assert.That(KernelNames.Of(BpfMapType.CgroupStorage), Is.EqualTo("BPF_MAP_TYPE_CGROUP_STORAGE"));
        Assert.That(KernelNames.Of(BpfProgramType.Xdp), Is.EqualTo("BPF_PROG_TYPE_XDP"));
        Assert.That(KernelNames.Of(BpfAttachType.CgroupInet4Connect), Is.EqualTo("BPF_CGROUP_INET4_CONNECT"));
        Assert.That(KernelNames.Of(BpfLinkType.Tcx), Is.EqualTo("BPF_LINK_TYPE_TCX"));
        Assert.That(KernelNames.Of((BpfMapType)9999), Is.EqualTo("9999"));
    }

    [Test]
    public void GeneratedEnumsMatchTheKernelNumbers()
    {
        using var scope = Assert.EnterMultipleScope();
        Assert.That((uint)BpfCommand.LinkCreate, Is.EqualTo(28));
        Assert.That((uint)BpfMapType.Ringbuf, Is.EqualTo(27));
        Assert.That((uint)BpfMapType.Arena, Is.EqualTo(33));
        Assert.That((uint)BpfProgramType.Netfilter, Is.EqualTo(32));
        Assert.That((uint)BpfAttachType.TraceUprobeSession, Is.EqualTo(57));
        Assert.That((uint)BpfLinkType.Sockmap, Is.EqualTo(14));
        Assert.That((uint)BpfMapFlags.Mmapable, Is.EqualTo(1024));
    }
}
