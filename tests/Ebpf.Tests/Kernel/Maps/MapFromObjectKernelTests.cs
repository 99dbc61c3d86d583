using Ebpf.Kernel;

namespace Ebpf.Tests.Kernel;

/// <summary><see cref="Map.Create"/> for every map of our test objects, with the objects' BTF.</summary>
[Category("Kernel")]
public sealed class MapFromObjectKernelTests
{
    private static readonly BpfMapType[] WithoutBtf =
    [
        BpfMapType.PerfEventArray, BpfMapType.ArrayOfMaps, BpfMapType.HashOfMaps, BpfMapType.Queue, BpfMapType.Stack,
        BpfMapType.StackTrace, BpfMapType.CgroupArray,
    ];

    [TestCase("maps_and_globals")]
    [TestCase("maps_btf")]
    [TestCase("maps_static")]
    [TestCase("ringbuf")]
    [TestCase("perf_output")]
    public void CreatesEveryMapWithItsBtf(string name)
    {
        var collection = CollectionSpec.Load(TestPrograms.Path(name));
        var created = new Dictionary<string, Map>(StringComparer.Ordinal);
        try
        {
            // Map types the kernel lacks (a bloom filter before 5.16) are left out, each named in the output.
            var specs = collection.Maps.Values.Where(m => m.Type != BpfMapType.StructOps && !MissingMapTypes.Lacks(m.Name, m.Type))
                .OrderBy(m => m.Contents.Any(e => e.ValueReference is not null) ? 1 : 0)
                .ToList();
            Assert.That(specs, Is.Not.Empty);
            foreach (var spec in specs)
            {
                // Program references (program arrays) need programs; only map references are resolved here.
                var toCreate = spec with
                {
                    Contents = [.. spec.Contents.Where(e => e.ValueReference is null || created.ContainsKey(e.ValueReference))],
                    MaxEntries = spec.Type == BpfMapType.PerfEventArray && spec.MaxEntries == 0 ? (uint)PossibleCpus.Count : spec.MaxEntries,
                };
                var map = Map.Create(toCreate, options: new MapCreateOptions { ResolveValueReference = n => created[n].FileDescriptor });
                created[spec.Name] = map;

                var info = map.Info();
                using var scope = Assert.EnterMultipleScope();
                Assert.That(info.Type, Is.EqualTo(spec.Type), spec.Name);
                if (spec.Btf is not null && spec.Value is not null && !WithoutBtf.Contains(spec.Type))
                {
                    Assert.That(info.BtfId, Is.Not.Zero, $"{spec.Name}: the kernel took the map's BTF");
                    Assert.That(info.BtfValueTypeId, Is.Not.Zero, spec.Name);
                }

                foreach (var entry in spec.Contents.Where(e => e.ValueReference is { } r && created.ContainsKey(r)))
                {
                    Assert.That(map.Lookup<uint, uint>(BitConverter.ToUInt32(entry.Key.Span)), Is.EqualTo(created[entry.ValueReference!].Info().Id), spec.Name);
                }
            }
        }
        finally
        {
            foreach (var map in created.Values)
            {
                map.Dispose();
            }
        }
    }
}
