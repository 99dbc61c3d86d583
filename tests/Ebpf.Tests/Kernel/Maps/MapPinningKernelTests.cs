using Ebpf.Kernel;

namespace Ebpf.Tests.Kernel;

/// <summary><see cref="Map.Pin"/> and <see cref="Map.OpenPinned"/> on a bpffs mounted privately in a temporary directory.</summary>
[Category("Kernel")]
public sealed class MapPinningKernelTests : PrivateBpffsFixture
{
    [Test]
    public void PinnedMapOutlivesItsDescriptorAndUnpins()
    {
        string path = Path.Combine(PinDirectory, "counts");
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

    [Test]
    public void PinByNameCreatesOnceThenReopens()
    {
        var spec = new MapSpec { Name = "shared", Type = BpfMapType.Array, KeySize = 4, ValueSize = 4, MaxEntries = 2, Pinning = PinType.ByName };
        var options = new MapCreateOptions { PinDirectory = PinDirectory };
        using var created = Map.Create(spec, options: options);
        created.Update(1u, 11u);
        Assert.That(File.Exists(Path.Combine(PinDirectory, "shared")), Is.True);

        using var reopened = Map.Create(spec with { Contents = [new MapEntry(BitConverter.GetBytes(1u), BitConverter.GetBytes(99u))] }, options: options);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reopened.Info().Id, Is.EqualTo(created.Info().Id));
            Assert.That(reopened.Lookup<uint, uint>(1), Is.EqualTo(11u), "an existing pinned map keeps its contents");
        }

        var e = Assert.Throws<EbpfException>(() => Map.Create(spec with { MaxEntries = 3 }, options: options))!;
        Assert.That(e.Message, Does.Contain("incompatible"));
        using var unpinned = Map.Create(spec, options: new MapCreateOptions());
        Assert.That(unpinned.Info().Id, Is.Not.EqualTo(created.Info().Id), "without a pin directory, pinning is ignored");
    }

    [Test]
    public void PinByNameUsesTheCollectionRuleForFlags()
    {
        // One rule with Collection.Load: flags must match except those the kernel adds or that do not change the
        // shape, so a pinned map with an extra flag no longer stands in for a spec without it (it used to: only the
        // spec's flags had to be present).
        var spec = new MapSpec { Name = "flagged", Type = BpfMapType.Hash, KeySize = 4, ValueSize = 4, MaxEntries = 2, Pinning = PinType.ByName };
        var options = new MapCreateOptions { PinDirectory = PinDirectory };
        using (var seeded = Map.Create(spec with { Flags = BpfMapFlags.ZeroSeed }, options: options))
        {
        }

        var e = Assert.Throws<EbpfException>(() => Map.Create(spec, options: options))!;
        Assert.That(e.Message, Does.Contain("incompatible").And.Contain("flags"));

        // NoPrealloc does not change what the map holds: ignored, as in Collection.Load.
        var hash = spec with { Name = "prealloc" };
        using var first = Map.Create(hash, options: options);
        using var second = Map.Create(hash with { Flags = BpfMapFlags.NoPrealloc }, options: options);
        Assert.That(second.Info().Id, Is.EqualTo(first.Info().Id));
    }
}
