using Ebpf.Kernel;

namespace Ebpf.Tests.Kernel;

/// <summary><see cref="Map.Pin"/> and <see cref="Map.OpenPinned"/> on a bpffs mounted privately in a temporary directory.</summary>
[Category("Kernel")]
public sealed class MapPinningKernelTests
{
    private string _dir = string.Empty;

    [SetUp]
    public void MountBpffs()
    {
        _dir = Directory.CreateTempSubdirectory("ebpf-map-bpffs-").FullName;
        if (ExternalTool.Execute("mount", "-t", "bpf", "bpf", _dir).ExitCode != 0)
        {
            Directory.Delete(_dir);
            Assert.Inconclusive("cannot mount a bpffs here");
        }
    }

    [TearDown]
    public void UnmountBpffs()
    {
        if (_dir.Length > 0 && Directory.Exists(_dir))
        {
            ExternalTool.Execute("umount", _dir);
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Test]
    public void PinnedMapOutlivesItsDescriptorAndUnpins()
    {
        string path = Path.Combine(_dir, "counts");
        uint id;
        using (var map = Map.Create(new MapSpec { Name = "counts", Type = BpfMapType.Hash, KeySize = 4, ValueSize = 8, MaxEntries = 8 }))
        {
            map.Update(1u, 5UL);
            map.Pin(path);
            Assert.That(map.PinnedPath, Is.EqualTo(path));
            id = map.Info().Id;
            Assert.That(Assert.Throws<EbpfException>(() => map.Pin(path))!.Errno, Is.EqualTo(Errno.EEXIST));
        }

        using var reopened = Map.OpenPinned(path);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reopened.Info().Id, Is.EqualTo(id));
            Assert.That(reopened.Type, Is.EqualTo(BpfMapType.Hash));
            Assert.That(reopened.Name, Is.EqualTo("counts"));
            Assert.That(reopened.Lookup<uint, ulong>(1), Is.EqualTo(5UL));
        }

        reopened.Unpin();
        Assert.That(File.Exists(path), Is.False);
        Assert.That(reopened.PinnedPath, Is.Null);
        Assert.That(Assert.Throws<EbpfException>(() => Map.OpenPinned(path))!.Errno, Is.EqualTo(Errno.ENOENT));
    }
}
