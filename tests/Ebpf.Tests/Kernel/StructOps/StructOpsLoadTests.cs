using Ebpf.Btf;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Links;
using Moq;
using Ebpf.Btf.Marshaling;

namespace Ebpf.Tests.Kernel;

/// <summary>
/// struct_ops maps over a mocked <see cref="IBpfSyscalls"/> and a made-up vmlinux BTF: <see cref="Collection.Load"/>
/// registers nothing (no update of a plain map), <see cref="StructOpsAttachExtensions.AttachStructOps(Map)"/> writes the
/// prepared value with the program descriptors, and the attachment or the collection deletes it.
/// </summary>
public sealed class StructOpsLoadTests
{
    private const int DataOffset = 8;
    private const int NameOffset = DataOffset + 36;

    private string _directory = "";
    private KernelBtf _kernelBtf = null!;

    [SetUp]
    public void MakeKernelBtf()
    {
        // struct tcp_congestion_ops { 4 function pointers; u32 flags; char name[16]; } in a bpf_struct_ops_ wrapper
        // after its 8-byte common value (refcnt, state).
        var builder = new BtfBuilder();
        uint u32 = builder.AddInt("unsigned int", 4);
        uint chr = builder.AddInt("char", 1, BtfIntEncoding.Signed);
        uint name = builder.AddArray(chr, u32, 16);
        uint pointer = builder.AddPointer(0);
        uint ops = builder.AddStruct("tcp_congestion_ops", 56,
        [
            new BtfMember("ssthresh", pointer, 0, 0), new BtfMember("cong_avoid", pointer, 64, 0),
            new BtfMember("undo_cwnd", pointer, 128, 0), new BtfMember("init", pointer, 192, 0),
            new BtfMember("flags", u32, 256, 0), new BtfMember("name", name, 288, 0),
        ]);
        builder.AddStruct("bpf_struct_ops_tcp_congestion_ops", 64,
        [
            new BtfMember("refcnt", u32, 0, 0), new BtfMember("state", u32, 32, 0), new BtfMember("data", ops, 64, 0),
        ]);
        _directory = Directory.CreateTempSubdirectory("structops-btf").FullName;
        string vmlinux = Path.Combine(_directory, "vmlinux");
        File.WriteAllBytes(vmlinux, builder.Marshal(Ebpf.Asm.ByteOrder.LittleEndian));
        _kernelBtf = new KernelBtf(vmlinux, _directory);
    }

    [TearDown]
    public void RemoveKernelBtf() => Directory.Delete(_directory, recursive: true);

    private sealed class FakeKernel
    {
        public Mock<IBpfSyscalls> Sys { get; } = new();

        public List<byte[]> Updates { get; } = [];

        public int Deletes { get; set; }

        public Dictionary<string, int> ProgramFds { get; } = new(StringComparer.Ordinal);

        public List<BpfFileDescriptor> Created { get; } = [];

        private BpfFileDescriptor Track(BpfFileDescriptor fd)
        {
            Created.Add(fd);
            return fd;
        }

        /// <summary>The descriptor of a program, by its name as the kernel keeps it (at most 15 characters).</summary>
        public ulong ProgramFd(string name) => (ulong)ProgramFds[name.Length > 15 ? name[..15] : name];

        /// <param name="failingLoad">The 1-based program load that fails with EINVAL; 0 for none.</param>
        /// <param name="refusedMaps">The error of every map create; <see cref="Errno.None"/> to create them.</param>
        /// <param name="refusedBtf">The error of every BTF load; <see cref="Errno.None"/> to load it.</param>
        public FakeKernel(int failingLoad = 0, Errno refusedMaps = Errno.None, Errno refusedBtf = Errno.None)
        {
            int next = 100;
            int loads = 0;
            Sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Returns(new MapCreateReturn((in MapCreateAttr a) =>
                refusedMaps == Errno.None ? Track(new BpfFileDescriptor(next++, ownsHandle: false)) : throw refusedMaps.ToException(BpfCommand.MapCreate)));
            Sys.Setup(s => s.BtfLoad(ref It.Ref<BtfLoadAttr>.IsAny)).Returns(() =>
                refusedBtf == Errno.None ? Track(new BpfFileDescriptor(next++, ownsHandle: false)) : throw refusedBtf.ToException(BpfCommand.BtfLoad));
            Sys.Setup(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny)).Returns(new ProgLoadReturn((ref ProgLoadAttr a) =>
            {
                if (++loads == failingLoad)
                {
                    throw new EbpfException(BpfCommand.ProgLoad, Errno.EINVAL);
                }

                int fd = next++;
                ProgramFds[a.ProgName.ToString()] = fd;
                return Track(new BpfFileDescriptor(fd, ownsHandle: false));
            }));
            Sys.Setup(s => s.TryMapUpdateElem(in It.Ref<MapElemAttr>.IsAny)).Returns(new ElemReturn((in MapElemAttr a) =>
            {
                unsafe
                {
                    Updates.Add(new ReadOnlySpan<byte>((void*)a.Value, 64).ToArray());
                }

                return Errno.None;
            }));
            Sys.Setup(s => s.TryMapDeleteElem(in It.Ref<MapElemAttr>.IsAny)).Returns(new ElemReturn((in MapElemAttr a) =>
            {
                Deletes++;
                return Errno.None;
            }));
        }
    }

    private Collection Load(string file, FakeKernel kernel) =>
        Collection.Load(CollectionSpec.Load(TestPrograms.Path(file)),
            new CollectionLoadOptions { Programs = new ProgramLoadOptions { KernelBtf = _kernelBtf } }, kernel.Sys.Object);

    [Test]
    public void LoadWritesNoPlainStructOpsMap()
    {
        var kernel = new FakeKernel();
        using var collection = Load("struct_ops", kernel);
        Assert.That(collection.Maps["dotnet_cc"].HasStructOpsValue, Is.True);
        kernel.Sys.Verify(s => s.TryMapUpdateElem(in It.Ref<MapElemAttr>.IsAny), Times.Never);
        kernel.Sys.Verify(s => s.MapUpdateElem(in It.Ref<MapElemAttr>.IsAny), Times.Never);
    }

    [Test]
    public void AttachWritesThePreparedValueAndDisposeDeletesIt()
    {
        var kernel = new FakeKernel();
        using var collection = Load("struct_ops", kernel);
        using (var attachment = collection.Maps["dotnet_cc"].AttachStructOps())
        {
            Assert.That(attachment, Is.InstanceOf<StructOpsAttachment>());
            Assert.That(attachment.Fd, Is.Null);
            var value = kernel.Updates.Single();
            using (Assert.EnterMultipleScope())
            {
                Assert.That(BitConverter.ToUInt64(value, DataOffset), Is.EqualTo(kernel.ProgramFd("dotnet_ssthresh")));
                Assert.That(BitConverter.ToUInt64(value, DataOffset + 8), Is.EqualTo(kernel.ProgramFd("dotnet_cong_avoid")));
                Assert.That(BitConverter.ToUInt64(value, DataOffset + 16), Is.EqualTo(kernel.ProgramFd("dotnet_undo_cwnd")));
                Assert.That(BitConverter.ToUInt64(value, DataOffset + 24), Is.Zero, "init has no program");
                Assert.That(BitConverter.ToUInt32(value, DataOffset + 32), Is.EqualTo(1u), "flags");
                Assert.That(System.Text.Encoding.ASCII.GetString(value, NameOffset, 16).TrimEnd('\0'), Is.EqualTo("dotnet_cc"));
                Assert.That(BitConverter.ToUInt64(value, 0), Is.Zero, "the common value is the kernel's");
            }

            Assert.That(kernel.Deletes, Is.Zero);
        }

        Assert.That(kernel.Deletes, Is.EqualTo(1));
        collection.Dispose();
        Assert.That(kernel.Deletes, Is.EqualTo(1), "unregistered once");
    }

    [Test]
    public void DisposingTheCollectionDeletesWhatIsStillRegistered()
    {
        var kernel = new FakeKernel();
        var collection = Load("struct_ops", kernel);
        var attachment = collection.Maps["dotnet_cc2"].AttachStructOps();
        collection.Dispose();
        Assert.That(kernel.Deletes, Is.EqualTo(1));
        attachment.Dispose();
        Assert.That(kernel.Deletes, Is.EqualTo(1));
    }

    [Test]
    public void DisposingTheMapAloneDeletesWhatItRegisteredOnce()
    {
        var kernel = new FakeKernel();
        var collection = Load("struct_ops", kernel);
        var map = collection.Maps["dotnet_cc"];
        map.RegisterStructOps();
        map.Dispose();
        Assert.That(kernel.Deletes, Is.EqualTo(1));
        Assert.That(map.IsStructOpsRegistered, Is.False);
        collection.Dispose();
        Assert.That(kernel.Deletes, Is.EqualTo(1), "the collection's registration of the map is over already");
    }

    [Test]
    public void AKernelRefusalLeavesTheMapUnregistered()
    {
        var kernel = new FakeKernel();
        kernel.Sys.Setup(s => s.TryMapUpdateElem(in It.Ref<MapElemAttr>.IsAny)).Returns(Errno.EINVAL);
        using var collection = Load("struct_ops", kernel);
        var e = Assert.Throws<EbpfException>(() => collection.Maps["dotnet_cc"].AttachStructOps())!;
        Assert.That(e.Errno, Is.EqualTo(Errno.EINVAL));
        Assert.That(e.Message, Is.EqualTo(
            "map 'dotnet_cc': BPF_MAP_UPDATE_ELEM failed: Invalid argument (EINVAL): the kernel refused to register the struct_ops map (its struct_ops type's checks failed, or its name is taken)"));
        Assert.That(collection.Maps["dotnet_cc"].IsStructOpsRegistered, Is.False);
        collection.Dispose();
        Assert.That(kernel.Deletes, Is.Zero);
    }

    [TestCase(0, "map 'dotnet_cc': the struct_ops map cannot take a value")]
    [TestCase(1, "map 'dotnet_cc': BPF_MAP_UPDATE_ELEM failed: Device or resource busy (EBUSY): the struct_ops map is registered already (by another descriptor or process)")]
    [TestCase(2, "map 'dotnet_cc': BPF_MAP_UPDATE_ELEM failed: Device or resource busy (EBUSY): the struct_ops map was registered and unregistered: the kernel takes one value per struct_ops map")]
    public void AMapThatCannotTakeItsValueIsNamedOnce(int state, string message)
    {
        var kernel = new FakeKernel();
        using var collection = Load("struct_ops", kernel);
        kernel.Sys.Setup(s => s.TryMapUpdateElem(in It.Ref<MapElemAttr>.IsAny)).Returns(Errno.EBUSY);
        kernel.Sys.Setup(s => s.TryMapLookupElem(in It.Ref<MapElemAttr>.IsAny)).Returns(new ElemReturn((in MapElemAttr a) =>
        {
            unsafe
            {
                *(int*)((byte*)a.Value + 4) = state; // bpf_struct_ops_common_value.state
            }

            return Errno.None;
        }));
        var e = Assert.Throws<EbpfException>(() => collection.Maps["dotnet_cc"].AttachStructOps())!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(e, Is.TypeOf<EbpfException>());
            Assert.That(e.Message, Is.EqualTo(message));
            Assert.That(e.Errno, state == 0 ? Is.EqualTo(Errno.None) : Is.EqualTo(Errno.EBUSY));
            Assert.That(state == 0 ? ((EbpfException)e.InnerException!).Errno : Errno.EBUSY, Is.EqualTo(Errno.EBUSY), "the refusal is the cause");
            Assert.That(FailureSubject.Name(e, "map 'dotnet_cc'"), Is.SameAs(e), "a caller that names failures (Collection.Load) names it no more");
        }

        Assert.That(collection.Maps["dotnet_cc"].IsStructOpsRegistered, Is.False);
    }

    [Test]
    public void KernelBtfThatCannotBeReadNamesTheStructOpsMap()
    {
        var kernel = new FakeKernel();
        string vmlinux = Path.Combine(_directory, "absent");
        var options = new CollectionLoadOptions { Programs = new ProgramLoadOptions { KernelBtf = new KernelBtf(vmlinux, _directory) } };
        var e = Assert.Throws<EbpfException>(() => Collection.Load(CollectionSpec.Load(TestPrograms.Path("struct_ops")), options, kernel.Sys.Object))!;
        Assert.That(e, Is.TypeOf<EbpfException>());
        Assert.That(e.Message, Does.StartWith($"map 'dotnet_cc': cannot read the kernel BTF {vmlinux} for struct_ops maps: "));
        Assert.That(kernel.Created.Select(fd => fd.IsClosed), Is.All.True);
        kernel.Sys.Verify(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny), Times.Never);
    }

    [Test]
    public void ALinkMapIsWrittenAtLoadAndAttachesWithALink()
    {
        var kernel = new FakeKernel();
        var created = new LinkCreateAttr();
        kernel.Sys.Setup(s => s.LinkCreate(in It.Ref<LinkCreateAttr>.IsAny))
            .Callback(new LinkCreateCallback((in LinkCreateAttr a) => created = a))
            .Returns(new BpfFileDescriptor(900, ownsHandle: false));
        using var collection = Load("struct_ops_link", kernel);
        var map = collection.Maps["dotnet_link_cc"];
        Assert.That(kernel.Updates, Has.Count.EqualTo(1), "a BPF_F_LINK map's value is written at load: that registers nothing");
        using var link = map.AttachStructOps();
        Assert.That(link.Fd, Is.Not.Null);
        Assert.That((created.ProgFd, created.AttachType), Is.EqualTo(((uint)map.FileDescriptor.DangerousGetFd(), BpfAttachType.StructOps)));
        Assert.That(kernel.Updates, Has.Count.EqualTo(1));
    }

    [Test]
    public void AFailedLoadClosesEverythingAndWritesNothing()
    {
        var kernel = new FakeKernel(failingLoad: 2);
        var e = Assert.Throws<EbpfException>(() => Load("struct_ops_link", kernel))!;
        Assert.That(e.Message, Does.Match(@"^program '\w+' \(struct_ops/\w+\): BPF_PROG_LOAD failed: Invalid argument \(EINVAL\)$"));
        Assert.That(kernel.Created, Has.Count.GreaterThanOrEqualTo(2), "the map and the first program were created");
        Assert.That(kernel.Created.Select(fd => fd.IsClosed), Is.All.True);
        Assert.That(kernel.Updates, Is.Empty);
        Assert.That(kernel.Deletes, Is.Zero);
    }

    [TestCase(Errno.EINVAL, typeof(EbpfException))]
    [TestCase(Errno.EPERM, typeof(EbpfPermissionException))]
    public void ARefusedStructOpsMapIsNamedAndNothingLeaks(Errno errno, Type type)
    {
        var kernel = new FakeKernel(refusedMaps: errno);
        var e = Assert.Throws(type, () => Load("struct_ops", kernel)) as EbpfException;
        Assert.That(e, Is.TypeOf(type));
        Assert.That(e!.Message, Does.StartWith("map 'dotnet_cc': BPF_MAP_CREATE failed: "));
        Assert.That(e.Errno, Is.EqualTo(errno));
        Assert.That(kernel.Created.Select(fd => fd.IsClosed), Is.All.True);
        kernel.Sys.Verify(s => s.ProgLoad(ref It.Ref<ProgLoadAttr>.IsAny), Times.Never);
    }

    [Test]
    public void ARefusedStructOpsValueBtfIsNamed()
    {
        var kernel = new FakeKernel(refusedBtf: Errno.EINVAL);
        var e = Assert.Throws<EbpfException>(() => Load("struct_ops", kernel))!;
        Assert.That(e.Message, Does.StartWith("map 'dotnet_cc': BPF_BTF_LOAD failed: Invalid argument (EINVAL)"));
        Assert.That(e.Command, Is.EqualTo(BpfCommand.BtfLoad));
        kernel.Sys.Verify(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny), Times.Never);
    }

    [Test]
    public void AStructOpsTypeTheKernelLacksIsNamed()
    {
        var kernel = new FakeKernel();
        var builder = new BtfBuilder();
        builder.AddInt("unsigned int", 4);
        string empty = Path.Combine(_directory, "empty");
        Directory.CreateDirectory(empty);
        File.WriteAllBytes(Path.Combine(empty, "vmlinux"), builder.Marshal(Ebpf.Asm.ByteOrder.LittleEndian));
        var options = new CollectionLoadOptions { Programs = new ProgramLoadOptions { KernelBtf = new KernelBtf(Path.Combine(empty, "vmlinux"), empty) } };
        var e = Assert.Throws<EbpfNotSupportedException>(() => Collection.Load(CollectionSpec.Load(TestPrograms.Path("struct_ops")), options, kernel.Sys.Object))!;
        Assert.That(e.Message, Does.StartWith("map 'dotnet_cc': struct_ops type tcp_congestion_ops (the kernel BTF has no struct tcp_congestion_ops) is not supported by this kernel"));
        Assert.That(kernel.Created.Select(fd => fd.IsClosed), Is.All.True);
    }

    [Test]
    public void ANonStructOpsMapIsRefused()
    {
        var kernel = new FakeKernel();
        using var map = Map.Create(new MapSpec { Name = "plain", Type = BpfMapType.Array, KeySize = 4, ValueSize = 4, MaxEntries = 1 }, syscalls: kernel.Sys.Object);
        Assert.Throws<ArgumentException>(() => map.AttachStructOps());
        Assert.Throws<InvalidOperationException>(map.RegisterStructOps);
        Assert.That(map.UnregisterStructOps(), Is.False);
    }
}

