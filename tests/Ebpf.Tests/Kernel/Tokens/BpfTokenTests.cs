using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Btf.Marshaling;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Moq;

namespace Ebpf.Tests.Kernel;

/// <summary>
/// <see cref="BpfToken"/> over a mocked kernel: the token's descriptor and <c>BPF_F_TOKEN_FD</c> reach map creation,
/// program load and BTF load (probes included), libbpf's token path rules, and what each refusal of
/// <c>BPF_TOKEN_CREATE</c> is reported as.
/// </summary>
public sealed class BpfTokenTests
{
    private const int BpffsFd = 50;
    private const int TokenFd = 77;

    /// <summary>A descriptor the test does not own: disposing it closes nothing.</summary>
    private static BpfFileDescriptor FakeFd(int n) => new(n, ownsHandle: false);

    private static readonly MapSpec Array = new() { Name = "counts", Type = BpfMapType.Array, KeySize = 4, ValueSize = 8, MaxEntries = 1 };

    private static Mock<IBpfSyscalls> Kernel(List<TokenCreateAttr>? tokenCalls = null, Func<TokenCreateAttr, BpfFileDescriptor>? create = null)
    {
        var sys = new Mock<IBpfSyscalls>();
        sys.As<ISystemCalls>().Setup(s => s.OpenPath(It.IsAny<string>(), 0)).Returns(() => FakeFd(BpffsFd));
        sys.Setup(s => s.TokenCreate(in It.Ref<TokenCreateAttr>.IsAny)).Returns(new TokenCreateReturn((in TokenCreateAttr a) =>
        {
            tokenCalls?.Add(a);
            return create is null ? FakeFd(TokenFd) : create(a);
        }));
        return sys;
    }

    [Test]
    public void CreateOpensTheBpffsAndPassesItsDescriptor()
    {
        var calls = new List<TokenCreateAttr>();
        var sys = Kernel(calls);
        using var token = BpfToken.Create("/run/delegated", sys.Object);

        using var scope = Assert.EnterMultipleScope();
        Assert.That(calls, Has.Count.EqualTo(1));
        Assert.That(calls[0].BpffsFd, Is.EqualTo(BpffsFd));
        Assert.That(calls[0].Flags, Is.Zero);
        Assert.That(token.FileDescriptor.DangerousGetFd(), Is.EqualTo(TokenFd));
        Assert.That(token.Path, Is.EqualTo("/run/delegated"));
        sys.As<ISystemCalls>().Verify(s => s.OpenPath("/run/delegated", 0), Times.Once, "a normal open, not O_PATH");
    }

    [Test]
    public void MapCreationCarriesTheToken()
    {
        var calls = new List<MapCreateAttr>();
        var sys = Kernel();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Returns(new MapCreateReturn((in MapCreateAttr a) =>
        {
            calls.Add(a);
            return FakeFd(100);
        }));
        using var token = BpfToken.Create("/run/delegated", sys.Object);

        using var map = Map.Create(Array, new MapCreateOptions { Token = token }, sys.Object);

        using var scope = Assert.EnterMultipleScope();
        Assert.That(calls, Has.Count.EqualTo(1));
        Assert.That(calls[0].MapFlags, Is.EqualTo(BpfMapFlags.TokenFd));
        Assert.That(calls[0].MapTokenFd, Is.EqualTo(TokenFd));
        Assert.That(map.Flags, Is.EqualTo(BpfMapFlags.None), "the token flag is not the map's");
    }

    [Test]
    public void MapCreationWithoutTokenCarriesNone()
    {
        var calls = new List<MapCreateAttr>();
        var sys = Kernel();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Returns(new MapCreateReturn((in MapCreateAttr a) =>
        {
            calls.Add(a);
            return FakeFd(100);
        }));

        using var map = Map.Create(Array, syscalls: sys.Object);

        Assert.That((calls[0].MapFlags, calls[0].MapTokenFd), Is.EqualTo((BpfMapFlags.None, 0)));
    }

    [Test]
    public void MapBtfAndItsProbesCarryTheToken()
    {
        var btfLoads = new List<BtfLoadAttr>();
        var sys = Kernel();
        sys.Setup(s => s.BtfLoad(ref It.Ref<BtfLoadAttr>.IsAny)).Returns(new BtfLoadReturn((ref BtfLoadAttr a) =>
        {
            btfLoads.Add(a);
            return FakeFd(200);
        }));
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Returns(() => FakeFd(100));
        using var token = BpfToken.Create("/run/delegated", sys.Object);

        using var map = Map.Create(WithBtf(Array), new MapCreateOptions { Token = token }, sys.Object);

        using var scope = Assert.EnterMultipleScope();
        Assert.That(btfLoads, Has.Count.GreaterThan(1), "the BTF kind probes, then the map's BTF");
        Assert.That(btfLoads.Select(a => a.BtfFlags), Is.All.EqualTo(BtfLoadAttr.TokenFdFlag));
        Assert.That(btfLoads.Select(a => a.BtfTokenFd), Is.All.EqualTo(TokenFd));
    }

    [Test]
    public void ProgramLoadCarriesTheToken()
    {
        var calls = new List<ProgLoadAttr>();
        var sys = Kernel();
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(new ProgLoadReturn((ref ProgLoadAttr a) =>
        {
            calls.Add(a);
            return FakeFd(300);
        }));
        using var token = BpfToken.Create("/run/delegated", sys.Object);
        var spec = new ProgramSpec
        {
            Name = "filter",
            Type = BpfProgramType.SocketFilter,
            Instructions = new Instructions([Insn.Mov.Imm(Register.R0, 0), Insn.Exit()]),
        };

        using var program = Program.Load(spec, ProgramLoadOptions.Default with { Token = token }, sys.Object);

        using var scope = Assert.EnterMultipleScope();
        Assert.That(calls, Has.Count.EqualTo(1));
        Assert.That(calls[0].ProgFlags, Is.EqualTo((uint)ProgramFlags.TokenFd));
        Assert.That(calls[0].ProgTokenFd, Is.EqualTo(TokenFd));
    }

    [Test]
    public void CollectionLoadCarriesTheTokenToMapsProgramsAndBtf()
    {
        var maps = new List<MapCreateAttr>();
        var programs = new List<ProgLoadAttr>();
        var btf = new List<BtfLoadAttr>();
        var sys = Kernel();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Returns(new MapCreateReturn((in MapCreateAttr a) =>
        {
            maps.Add(a);
            return FakeFd(100);
        }));
        sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(new ProgLoadReturn((ref ProgLoadAttr a) =>
        {
            programs.Add(a);
            return FakeFd(300);
        }));
        sys.Setup(s => s.BtfLoad(ref It.Ref<BtfLoadAttr>.IsAny)).Returns(new BtfLoadReturn((ref BtfLoadAttr a) =>
        {
            btf.Add(a);
            return FakeFd(200);
        }));
        var spec = CollectionSpec.Load(Path.Combine(TestPrograms.Directory, "token.bpfel.o"));
        using var token = BpfToken.Create("/run/delegated", sys.Object);

        using var collection = Collection.Load(spec, new CollectionLoadOptions { Token = token, ApplyCoreRelocations = false }, sys.Object);

        using var scope = Assert.EnterMultipleScope();
        Assert.That(collection.Programs.Keys, Is.EquivalentTo(new[] { "token_count" }));
        Assert.That(maps, Is.Not.Empty);
        Assert.That(maps.Select(a => (a.MapFlags & BpfMapFlags.TokenFd, a.MapTokenFd)), Is.All.EqualTo((BpfMapFlags.TokenFd, TokenFd)));
        Assert.That(programs, Is.Not.Empty);
        Assert.That(programs.Select(a => (a.ProgFlags & (uint)ProgramFlags.TokenFd, a.ProgTokenFd)), Is.All.EqualTo(((uint)ProgramFlags.TokenFd, TokenFd)));
        Assert.That(btf, Is.Not.Empty);
        Assert.That(btf.Select(a => (a.BtfFlags, a.BtfTokenFd)), Is.All.EqualTo((BtfLoadAttr.TokenFdFlag, TokenFd)));
        Assert.That(token.FileDescriptor.IsClosed, Is.False, "the caller's token stays open");
    }

    [Test]
    public void CollectionTokenPathMakesATokenTheCollectionOwns()
    {
        var calls = new List<TokenCreateAttr>();
        var sys = Kernel(calls);
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Returns(() => FakeFd(100));

        var collection = Collection.Load(OneMap(), new CollectionLoadOptions { TokenPath = "/run/delegated" }, sys.Object);
        collection.Dispose();

        Assert.That(calls, Has.Count.EqualTo(1));
        sys.As<ISystemCalls>().Verify(s => s.OpenPath("/run/delegated", 0), Times.Once);
    }

    [Test]
    public void AnEmptyTokenPathLoadsWithoutToken()
    {
        var maps = new List<MapCreateAttr>();
        var sys = Kernel();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Returns(new MapCreateReturn((in MapCreateAttr a) =>
        {
            maps.Add(a);
            return FakeFd(100);
        }));

        using var collection = Collection.Load(OneMap(), new CollectionLoadOptions { TokenPath = string.Empty }, sys.Object);

        sys.Verify(s => s.TokenCreate(in It.Ref<TokenCreateAttr>.IsAny), Times.Never);
        Assert.That(maps.Single().MapTokenFd, Is.Zero);
    }

    [Test]
    public void AGivenTokenPathThatYieldsNoTokenFailsTheLoad()
    {
        var sys = Kernel(create: _ => throw new EbpfException(BpfCommand.TokenCreate, Errno.ENOENT));

        var e = Assert.Throws<EbpfException>(() => Collection.Load(OneMap(), new CollectionLoadOptions { TokenPath = "/sys/fs/bpf" }, sys.Object));

        Assert.That(e!.Message, Does.Contain("delegates nothing").And.Contain("delegate_cmds"));
        sys.Verify(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny), Times.Never);
    }

    [Test]
    [NonParallelizable]
    public void TheLibbpfVariableNamesThePathWhenNoOptionDoes()
    {
        var calls = new List<TokenCreateAttr>();
        var sys = Kernel(calls);
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Returns(() => FakeFd(100));
        string? saved = Environment.GetEnvironmentVariable(BpfToken.PathVariable);
        try
        {
            Environment.SetEnvironmentVariable(BpfToken.PathVariable, "/run/from-env");
            Collection.Load(OneMap(), syscalls: sys.Object).Dispose();
            Collection.Load(OneMap(), new CollectionLoadOptions { TokenPath = string.Empty }, sys.Object).Dispose(); // the option wins
        }
        finally
        {
            Environment.SetEnvironmentVariable(BpfToken.PathVariable, saved);
        }

        Assert.That(calls, Has.Count.EqualTo(1));
        sys.As<ISystemCalls>().Verify(s => s.OpenPath("/run/from-env", 0), Times.Once);
    }

    [Test]
    public void InTheInitialUserNamespaceNoDefaultTokenIsTried()
    {
        Assume.That(Environment.GetEnvironmentVariable(BpfToken.PathVariable), Is.Null);
        Assume.That(UserNamespace.IsInitial(), Is.True, "the tests run in a user namespace");
        var sys = Kernel();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Returns(() => FakeFd(100));

        Collection.Load(OneMap(), syscalls: sys.Object).Dispose();

        sys.Verify(s => s.TokenCreate(in It.Ref<TokenCreateAttr>.IsAny), Times.Never);
    }

    [Test]
    public void NotABpffsRootIsSaidSo()
    {
        var sys = Kernel(create: a => a.BpffsFd == uint.MaxValue
            ? throw new EbpfException(BpfCommand.TokenCreate, Errno.EBADF) // the probe: the kernel has the command
            : throw new EbpfException(BpfCommand.TokenCreate, Errno.EINVAL));

        var e = Assert.Throws<EbpfException>(() => BpfToken.Create("/sys/fs/bpf/sub", sys.Object));

        Assert.That(e!.Message, Does.Contain("'/sys/fs/bpf/sub' is not the root of a bpffs mount"));
    }

    [Test]
    public void AKernelWithoutTokensIsNotSupported()
    {
        var sys = Kernel(create: _ => throw new EbpfException(BpfCommand.TokenCreate, Errno.EINVAL));

        var e = Assert.Throws<EbpfNotSupportedException>(() => BpfToken.Create("/sys/fs/bpf", sys.Object));

        using var scope = Assert.EnterMultipleScope();
        Assert.That(e!.Feature, Is.EqualTo("BPF tokens (BPF_TOKEN_CREATE)"));
        Assert.That(e.MinimumKernelVersion, Is.EqualTo("6.9"));
    }

    [Test]
    public void TheInitialUserNamespaceRefusalIsExplained()
    {
        var sys = Kernel(create: _ => throw new EbpfNotSupportedException("BPF_TOKEN_CREATE on this object", null, Errno.EOPNOTSUPP));

        var e = Assert.Throws<EbpfException>(() => BpfToken.Create("/sys/fs/bpf", sys.Object));

        using var scope = Assert.EnterMultipleScope();
        Assert.That(e!.Errno, Is.EqualTo(Errno.EOPNOTSUPP));
        Assert.That(e.Message, Does.Contain("initial user namespace"));
    }

    [Test]
    public void AForeignMountIsAPermissionRefusal()
    {
        var sys = Kernel(create: _ => throw new EbpfPermissionException(BpfCommand.TokenCreate, Errno.EPERM));

        var e = Assert.Throws<EbpfPermissionException>(() => BpfToken.Create("/sys/fs/bpf", sys.Object));

        Assert.That(e!.Message, Does.Contain("caller's user namespace").And.Contain("CAP_BPF"));
    }

    [Test]
    public void TheProbeReadsEbadfAsPresentAndEinvalAsMissing()
    {
        var present = Kernel(create: _ => throw new EbpfException(BpfCommand.TokenCreate, Errno.EBADF));
        var missing = Kernel(create: _ => throw new EbpfException(BpfCommand.TokenCreate, Errno.EINVAL));

        using var scope = Assert.EnterMultipleScope();
        Assert.That(() => new Features(present.Object).HaveBpfToken(), Throws.Nothing);
        Assert.That(() => new Features(missing.Object).HaveBpfToken(), Throws.TypeOf<EbpfNotSupportedException>().With.Property("MinimumKernelVersion").EqualTo("6.9"));
    }

    [Test]
    public void ProbesWithATokenCarryIt()
    {
        var maps = new List<MapCreateAttr>();
        var sys = Kernel();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Returns(new MapCreateReturn((in MapCreateAttr a) =>
        {
            maps.Add(a);
            return FakeFd(100);
        }));
        using var token = BpfToken.Create("/run/delegated", sys.Object);

        Features.WithToken(token, sys.Object).HaveMapType(BpfMapType.Hash);

        Assert.That((maps.Single().MapFlags, maps.Single().MapTokenFd), Is.EqualTo((BpfMapFlags.TokenFd, TokenFd)));
    }

    private static CollectionSpec OneMap() => new() { Maps = { ["counts"] = Array } };

    private static MapSpec WithBtf(MapSpec spec)
    {
        var builder = new BtfBuilder();
        uint key = builder.AddInt("int", 4, BtfIntEncoding.Signed);
        uint value = builder.AddInt("long", 8, BtfIntEncoding.Signed);
        var btf = BtfSpec.Parse(builder.Marshal(ByteOrder.LittleEndian));
        return spec with { Btf = btf, Key = btf[key], Value = btf[value] };
    }
}
