using System.Diagnostics;
using System.Runtime.InteropServices;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel;

/// <summary>
/// PROG_ATTACH / PROG_QUERY / LINK_CREATE / LINK_UPDATE / LINK_DETACH on an empty child cgroup of a cgroup2
/// hierarchy mounted privately in a temporary directory.
/// </summary>
[Category("Kernel")]
public sealed unsafe partial class CgroupLinkTests
{
    private const int ORdOnlyDirectory = 0x10000; // O_RDONLY | O_DIRECTORY
    private static readonly IBpfSyscalls Sys = LinuxBpfSyscalls.Instance;
    private string _mount = string.Empty;
    private BpfFileDescriptor _cgroup = null!;

    [SetUp]
    public void MountCgroup2()
    {
        _mount = Directory.CreateTempSubdirectory("ebpf-kern-cgroup-").FullName;
        if (Run("mount", "-t", "cgroup2", "none", _mount) != 0)
        {
            Directory.Delete(_mount);
            _mount = string.Empty;
            Assert.Inconclusive("cannot mount cgroup2 here");
        }

        string child = Path.Combine(_mount, "ebpf_test_" + Environment.ProcessId);
        Directory.CreateDirectory(child);
        int fd = Open(child, ORdOnlyDirectory);
        Assert.That(fd, Is.GreaterThanOrEqualTo(0), "open cgroup");
        _cgroup = new BpfFileDescriptor(fd);
    }

    [TearDown]
    public void Unmount()
    {
        _cgroup?.Dispose();
        if (_mount.Length > 0)
        {
            foreach (var dir in Directory.GetDirectories(_mount, "ebpf_test_*"))
            {
                Directory.Delete(dir);
            }

            Run("umount", _mount);
            Directory.Delete(_mount);
        }
    }

    [Test]
    public void LinkCreateUpdateDetach()
    {
        using var allow = LoadSkb(1, "allow");
        using var alsoAllow = LoadSkb(1, "also_allow");
        using var link = Sys.LinkCreate(new LinkCreateAttr
        {
            ProgFd = (uint)allow.DangerousGetFd(), TargetFd = (uint)_cgroup.DangerousGetFd(), AttachType = BpfAttachType.CgroupInetIngress,
        });
        Assert.That(Query(), Is.EqualTo(new[] { KernelPrograms.ProgInfoOf(Sys, allow).Id }));

        Sys.LinkUpdate(new LinkUpdateAttr { LinkFd = (uint)link.DangerousGetFd(), NewProgFd = (uint)alsoAllow.DangerousGetFd() });
        Assert.That(Query(), Is.EqualTo(new[] { KernelPrograms.ProgInfoOf(Sys, alsoAllow).Id }));

        Sys.LinkDetach(new LinkDetachAttr { LinkFd = (uint)link.DangerousGetFd() });
        Assert.That(Query(), Is.Empty);
    }

    [Test]
    public void ProgAttachAndDetach()
    {
        using var allow = LoadSkb(1, "allow");
        var attr = new ProgAttachAttr
        {
            TargetFd = (uint)_cgroup.DangerousGetFd(), AttachBpfFd = (uint)allow.DangerousGetFd(), AttachType = BpfAttachType.CgroupInetEgress,
        };
        Sys.ProgAttach(attr);
        Assert.That(Query(BpfAttachType.CgroupInetEgress), Has.Length.EqualTo(1));
        Sys.ProgDetach(attr);
        Assert.That(Query(BpfAttachType.CgroupInetEgress), Is.Empty);
    }

    private static BpfFileDescriptor LoadSkb(int verdict, string name) =>
        KernelPrograms.LoadProgram(Sys, BpfProgramType.CgroupSkb, KernelPrograms.Encode(KernelPrograms.MovR0(verdict), KernelPrograms.Exit()), name: name);

    private uint[] Query(BpfAttachType type = BpfAttachType.CgroupInetIngress)
    {
        var ids = new uint[8];
        fixed (uint* p = ids)
        {
            var attr = new ProgQueryAttr { TargetFd = (uint)_cgroup.DangerousGetFd(), AttachType = type, ProgIds = (ulong)p, ProgCnt = 8 };
            Sys.ProgQuery(ref attr);
            return ids[..(int)attr.ProgCnt];
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    private static int Run(string file, params string[] args) => ExternalTool.Execute(file, args).ExitCode;
}
