using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Tests.Kernel;

namespace Ebpf.Tests.Specs;

/// <summary>
/// The kernel accepts the map specs the reader produces: every map of the map test objects is created with
/// <c>BPF_MAP_CREATE</c> from its spec (map-in-maps with their inner template), its info matches the spec, and
/// map-in-map and program array contents are written with the spec's key bytes.
/// </summary>
[Category("Kernel")]
public sealed unsafe class MapDefinitionKernelTests
{
    private static readonly IBpfSyscalls Sys = LinuxBpfSyscalls.Instance;

    private static BpfFileDescriptor Create(MapSpec spec, BpfFileDescriptor? inner)
    {
        var attr = new MapCreateAttr
        {
            MapType = spec.Type,
            KeySize = spec.KeySize,
            ValueSize = spec.ValueSize,
            MaxEntries = spec.MaxEntries,
            MapFlags = spec.Flags,
            NumaNode = spec.NumaNode,
            MapExtra = spec.MapExtra,
            InnerMapFd = inner is null ? 0 : (uint)inner.DangerousGetFd(),
            MapName = BpfObjectName.From(spec.Name.Length > 15 ? spec.Name[..15] : spec.Name),
        };
        return Sys.MapCreate(attr);
    }

    [TestCase("maps_btf")]
    [TestCase("maps_static")]
    [TestCase("maps_legacy")]
    [TestCase("maps_iproute2")]
    public void Kernel_creates_every_map_and_takes_the_initial_contents(string name)
    {
        // Map types the kernel lacks (a bloom filter before 5.16) are left out, each named in the output.
        var specs = ObjectMaps.Read(TestPrograms.Path(name)).Where(m => !MissingMapTypes.Lacks(m.Name, m.Type))
            .ToDictionary(m => m.Name, StringComparer.Ordinal);
        var fds = new Dictionary<string, BpfFileDescriptor>(StringComparer.Ordinal);
        try
        {
            foreach (var spec in specs.Values.OrderBy(s => s.InnerMap is null ? 0 : 1))
            {
                using var template = spec.InnerMap is { } inner ? Create(inner, null) : null;
                var fd = Create(spec, template);
                fds[spec.Name] = fd;
                var info = KernelPrograms.MapInfoOf(Sys, fd);
                Assert.That((info.Type, info.KeySize, info.ValueSize, info.MaxEntries, info.MapFlags),
                    Is.EqualTo((spec.Type, spec.KeySize, spec.ValueSize, spec.MaxEntries, spec.Flags)), spec.Name);
            }

            foreach (var spec in specs.Values.Where(s => s.Type is BpfMapType.ProgArray))
            {
                foreach (var entry in spec.Contents)
                {
                    // Stand-in programs: the prog array takes the type of the first program stored in it.
                    using var program = KernelPrograms.LoadSocketFilter(Sys, KernelPrograms.Encode(KernelPrograms.MovR0(0), KernelPrograms.Exit()));
                    uint value = (uint)program.DangerousGetFd();
                    fixed (byte* key = entry.Key.Span)
                    {
                        Sys.MapUpdateElem(new MapElemAttr { MapFd = (uint)fds[spec.Name].DangerousGetFd(), Key = (ulong)key, Value = (ulong)&value });
                    }
                }
            }

            foreach (var spec in specs.Values.Where(s => s.Type is BpfMapType.ArrayOfMaps or BpfMapType.HashOfMaps))
            {
                foreach (var entry in spec.Contents)
                {
                    uint value = (uint)fds[entry.ValueReference!].DangerousGetFd();
                    fixed (byte* key = entry.Key.Span)
                    {
                        Sys.MapUpdateElem(new MapElemAttr { MapFd = (uint)fds[spec.Name].DangerousGetFd(), Key = (ulong)key, Value = (ulong)&value });
                    }

                    uint id = 0;
                    fixed (byte* key = entry.Key.Span)
                    {
                        Sys.MapLookupElem(new MapElemAttr { MapFd = (uint)fds[spec.Name].DangerousGetFd(), Key = (ulong)key, Value = (ulong)&id });
                    }

                    Assert.That(id, Is.EqualTo(KernelPrograms.MapInfoOf(Sys, fds[entry.ValueReference!]).Id), $"{spec.Name} holds {entry.ValueReference}");
                }
            }
        }
        finally
        {
            foreach (var fd in fds.Values)
            {
                fd.Dispose();
            }
        }
    }
}
