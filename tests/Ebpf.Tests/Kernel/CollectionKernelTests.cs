using Ebpf.Kernel;

namespace Ebpf.Tests.Kernel;

[Category("Kernel")]
public class CollectionKernelTests
{
    public static IEnumerable<string> LoadableObjects() =>
        TestPrograms.All.Where(f => f.EndsWith(".bpfel.o", StringComparison.Ordinal) && TestPrograms.IsLoadableByBpftool(f))
            .Append(TestPrograms.Path("maps_btf")).Append(TestPrograms.Path("struct_ops_link")).Select(f => Path.GetFileName(f)!);

    [Test]
    public void StructOpsMapsLoadAndCloseEverything()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("struct_ops"));
        using (var collection = Collection.Load(spec))
        {
            Assert.That(collection.Maps.Keys, Is.EquivalentTo(new[] { "dotnet_cc", "dotnet_cc2" }));
        }

        int fds = OpenDescriptors.Before(); // after a first load: the runtime opens assemblies on first use
        Collection.Load(spec).Dispose();

        Assert.That(OpenDescriptors.KernelObjects(), Is.EqualTo(fds));
    }

    [TestCaseSource(nameof(LoadableObjects))]
    public void LoadsEveryObjectBpftoolLoads(string file)
    {
        var spec = CollectionSpec.Load(Path.Combine(TestPrograms.Directory, file));
        using var bpffs = BpffsDirectory.Mount();
        Collection collection;
        try
        {
            collection = Collection.Load(spec, new CollectionLoadOptions { PinPath = bpffs.Path });
        }
        catch (EbpfNotSupportedException e)
        {
            // A feature the object needs is newer than this kernel (struct_ops link maps before 6.4): the SDK names it.
            Assert.Ignore($"{file}: {e.Message}");
            throw;
        }
        catch (EbpfVerifierException e) when (Specs.LibbpfObjects.LoadRefusal(Path.Combine(TestPrograms.Directory, file)) is { } libbpf)
        {
            // The verifier of a kernel older than the object (atomic fetch-and-add before 5.12, callbacks before 5.13)
            // refuses it to libbpf as well: the reference agrees.
            Assert.Ignore($"{file}: this kernel refuses it to libbpf too ({libbpf}); ours: {e.Message.Split('\n')[0]}");
            throw;
        }

        using var loaded = collection;
        var expected = spec.Programs.Values.Where(p => p.Autoload).Select(p => p.Name).Order(StringComparer.Ordinal);
        Assert.That(collection.Programs.Keys.Order(StringComparer.Ordinal), Is.EqualTo(expected));
        Assert.That(collection.Maps.Keys.Order(StringComparer.Ordinal), Is.EqualTo(spec.Maps.Keys.Order(StringComparer.Ordinal)));
        foreach (var (name, program) in collection.Programs)
        {
            Assert.That(program.Info().Type, Is.EqualTo(spec.Programs[name].Type), name);
        }

        foreach (var (name, map) in collection.Maps)
        {
            var info = map.Info();
            var expectedSpec = spec.Maps[name];
            uint valueSize = expectedSpec.Type == BpfMapType.StructOps ? info.ValueSize : expectedSpec.ValueSize; // the kernel's wrapper struct
            Assert.That((info.Type, info.KeySize, info.ValueSize), Is.EqualTo((expectedSpec.Type, expectedSpec.KeySize, valueSize)), name);
        }
    }

    [Test]
    public void ProgramArrayAndMapInMapEntriesReferToTheLoadedObjects()
    {
        // The program array and map-in-maps need no bloom filter (5.16): maps of types the kernel lacks are left out.
        using var collection = Collection.Load(MissingMapTypes.RemoveFrom(CollectionSpec.Load(TestPrograms.Path("maps_btf"))));
        uint IdAt(string map, uint index)
        {
            Span<byte> value = stackalloc byte[4];
            return collection.Maps[map].TryLookup(BitConverter.GetBytes(index), value) ? BitConverter.ToUInt32(value) : 0;
        }

        Assert.That(IdAt("jumps", 1), Is.EqualTo(collection.Programs["tail_one"].Info().Id));
        Assert.That(IdAt("jumps", 3), Is.EqualTo(collection.Programs["tail_two"].Info().Id));
        Assert.That(IdAt("jumps", 0), Is.Zero);
        Assert.That(IdAt("outer_array", 0), Is.EqualTo(collection.Maps["inner_a"].Info().Id));
        Assert.That(IdAt("outer_array", 2), Is.EqualTo(collection.Maps["inner_b"].Info().Id));
    }

    [Test]
    public void GlobalDataIsWrittenAndRodataFrozen()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("maps_and_globals"));
        var rodata = spec.Maps.Values.First(m => m.SectionName == ".rodata");
        using var collection = Collection.Load(spec);
        var map = collection.Maps[rodata.Name];
        var value = new byte[rodata.ValueSize];
        map.Lookup(stackalloc byte[4], value);
        Assert.That(value, Is.EqualTo(rodata.Contents[0].Value.ToArray()));
        Assert.Throws(Is.InstanceOf<EbpfException>(), () => map.Update(new byte[4], value), "a frozen map refuses user-space writes");
    }

    [Test]
    public void PinnedMapsAreReusedAcrossLoads()
    {
        var spec = MissingMapTypes.RemoveFrom(CollectionSpec.Load(TestPrograms.Path("maps_btf")));
        var pinnedNames = spec.Maps.Values.Where(m => m.Pinning == PinType.ByName).Select(m => m.Name).ToArray();
        Assert.That(pinnedNames, Is.Not.Empty, "maps_btf.bpf.c pins a map by name");
        using var bpffs = BpffsDirectory.Mount();
        var options = new CollectionLoadOptions { PinPath = bpffs.Path };
        uint firstId;
        using (var first = Collection.Load(spec, options))
        {
            firstId = first.Maps[pinnedNames[0]].Info().Id;
        }

        Assert.That(bpffs.Pins(), Is.EquivalentTo(pinnedNames), "pins outlive the collection");
        using var second = Collection.Load(spec, options);
        Assert.That(second.Maps[pinnedNames[0]].Info().Id, Is.EqualTo(firstId));
    }

    [Test]
    public void AnIncompatiblePinFailsTheLoadAndLeavesNothingBehind()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("maps_btf"));
        var pinned = spec.Maps.Values.First(m => m.Pinning == PinType.ByName);
        using var bpffs = BpffsDirectory.Mount();
        using (var impostor = Map.Create(pinned with { Name = "impostor", ValueSize = pinned.ValueSize + 8, Btf = null, Key = null, Value = null, Contents = [] }))
        {
            impostor.Pin(Path.Combine(bpffs.Path, pinned.Name));
        }

        int fds = OpenDescriptors.Before();
        var error = Assert.Throws<EbpfException>(() => Collection.Load(spec, new CollectionLoadOptions { PinPath = bpffs.Path }));
        Assert.That(error!.Message, Does.Contain(pinned.Name).And.Contain("incompatible"));
        Assert.That(bpffs.Pins(), Is.EqualTo(new[] { pinned.Name }), "no other pin was made");
        Assert.That(OpenDescriptors.KernelObjects(), Is.EqualTo(fds), "every descriptor opened was closed");
    }

    [Test]
    public void AVerifierFailureClosesEverythingAndRemovesPins()
    {
        // maps_btf pins a map by name; the failing program comes after the maps are created and pinned. Maps of types
        // the kernel lacks (a bloom filter before 5.16) would fail the load first: they are left out.
        var spec = MissingMapTypes.RemoveFrom(CollectionSpec.Load(TestPrograms.Path("maps_btf")));
        var wrong = CollectionSpec.Load(TestPrograms.Path("verifier_errors_noload")).Programs["out_of_bounds"];
        spec.Programs[wrong.Name] = wrong;
        using var bpffs = BpffsDirectory.Mount();
        Assert.Throws<EbpfVerifierException>(() => Collection.Load(spec)); // warm the caches (kernel BTF) first
        int fds = OpenDescriptors.Before();
        var error = Assert.Throws<EbpfVerifierException>(() => Collection.Load(spec, new CollectionLoadOptions { PinPath = bpffs.Path }));
        TestContext.Out.WriteLine(error!.Message);
        Assert.That(bpffs.Pins(), Is.Empty);
        Assert.That(OpenDescriptors.KernelObjects(), Is.EqualTo(fds));
    }

    [Test]
    public void ReplacementMapsAreUsedAndNotClosed()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("maps_and_globals"));
        var target = spec.Maps.Values.First(m => !m.IsGlobalData);
        using var shared = Map.Create(target with { Contents = [] });
        using (var collection = Collection.Load(spec, new CollectionLoadOptions { MapReplacements = new Dictionary<string, Map> { [target.Name] = shared } }))
        {
            Assert.That(collection.Maps[target.Name], Is.SameAs(shared));
        }

        Assert.That(shared.FileDescriptor.IsClosed, Is.False);
        Assert.That(shared.Info().Id, Is.Not.Zero);
    }
}
