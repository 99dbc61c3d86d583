using System.Text;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel;

/// <summary>Pinning on a bpffs mounted privately in a temporary directory (<see cref="BpffsDirectory"/>).</summary>
[Category("Kernel")]
public sealed unsafe class PinningTests
{
    private static readonly IBpfSyscalls Sys = LinuxBpfSyscalls.Instance;
    private BpffsDirectory? _bpffs;

    private string Dir => _bpffs!.Path;

    [SetUp]
    public void MountBpffs() => _bpffs = BpffsDirectory.Mount();

    [TearDown]
    public void UnmountBpffs()
    {
        _bpffs?.Dispose();
        _bpffs = null;
    }

    [Test]
    public void PinnedMapReopensAsTheSameObject()
    {
        using var map = KernelPrograms.CreateMap(Sys, BpfMapType.Hash, 4, 4, 4, name: "pinned");
        string path = Path.Combine(Dir, "pinned_map");
        Pin(map, path);
        Assert.That(File.Exists(path), Is.True);

        using var reopened = Get(path);
        Assert.That(KernelPrograms.MapInfoOf(Sys, reopened).Id, Is.EqualTo(KernelPrograms.MapInfoOf(Sys, map).Id));

        var again = Assert.Throws<EbpfException>(() => Pin(map, path))!;
        Assert.That(again.Errno, Is.EqualTo(Errno.EEXIST));
    }

    [Test]
    public void PinnedProgramReopens()
    {
        using var prog = KernelPrograms.LoadSocketFilter(Sys, KernelPrograms.Encode(KernelPrograms.MovR0(0), KernelPrograms.Exit()));
        string path = Path.Combine(Dir, "prog");
        Pin(prog, path);
        using var reopened = Get(path);
        Assert.That(KernelPrograms.ProgInfoOf(Sys, reopened).Id, Is.EqualTo(KernelPrograms.ProgInfoOf(Sys, prog).Id));
    }

    [Test]
    public void MissingPinIsENOENT()
    {
        var e = Assert.Throws<EbpfException>(() => Get(Path.Combine(Dir, "nothing")))!;
        Assert.That(e.Errno, Is.EqualTo(Errno.ENOENT));
    }

    private static void Pin(BpfFileDescriptor fd, string path)
    {
        fixed (byte* p = Encoding.UTF8.GetBytes(path + "\0"))
        {
            Sys.ObjPin(new ObjAttr { Pathname = (ulong)p, BpfFd = (uint)fd.DangerousGetFd() });
        }
    }

    private static BpfFileDescriptor Get(string path)
    {
        fixed (byte* p = Encoding.UTF8.GetBytes(path + "\0"))
        {
            return Sys.ObjGet(new ObjAttr { Pathname = (ulong)p });
        }
    }
}
