using Ebpf.Btf;
using Ebpf.Kernel;
using Ebpf.Btf.Marshaling;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel;

/// <summary><see cref="Map.Create"/> for every map type the running kernel has.</summary>
[Category("Kernel")]
public sealed class MapTypesKernelTests
{
    private static readonly int Page = Environment.SystemPageSize;

    private static IEnumerable<TestCaseData> Specs()
    {
        static TestCaseData Case(BpfMapType type, uint key, uint value, uint max, BpfMapFlags flags = BpfMapFlags.None, ulong extra = 0) =>
            new TestCaseData(new MapSpec { Name = "t_" + type.ToString().ToLowerInvariant(), Type = type, KeySize = key, ValueSize = value, MaxEntries = max, Flags = flags, MapExtra = extra })
                .SetArgDisplayNames(type.ToString());

        yield return Case(BpfMapType.Hash, 4, 8, 16);
        yield return Case(BpfMapType.Array, 4, 8, 16);
        yield return Case(BpfMapType.PercpuHash, 4, 8, 16);
        yield return Case(BpfMapType.PercpuArray, 4, 8, 16);
        yield return Case(BpfMapType.LruHash, 4, 8, 16);
        yield return Case(BpfMapType.LruPercpuHash, 4, 8, 16);
        yield return Case(BpfMapType.LpmTrie, 8, 8, 16, BpfMapFlags.NoPrealloc);
        yield return Case(BpfMapType.Queue, 0, 8, 16);
        yield return Case(BpfMapType.Stack, 0, 8, 16);
        yield return Case(BpfMapType.Ringbuf, 0, 0, (uint)Page);
        yield return Case(BpfMapType.UserRingbuf, 0, 0, (uint)Page);
        yield return Case(BpfMapType.BloomFilter, 0, 8, 16, extra: 2);
        yield return Case(BpfMapType.ProgArray, 4, 4, 4);
        yield return Case(BpfMapType.PerfEventArray, 4, 4, 4);
        yield return Case(BpfMapType.StackTrace, 4, 8 * 127, 16);
        yield return Case(BpfMapType.CgroupArray, 4, 4, 4);
        yield return Case(BpfMapType.Devmap, 4, 4, 4);
        yield return Case(BpfMapType.DevmapHash, 4, 4, 4);
        yield return Case(BpfMapType.Cpumap, 4, 4, 4);
        yield return Case(BpfMapType.Sockmap, 4, 4, 4);
        yield return Case(BpfMapType.Sockhash, 4, 4, 4);
        yield return Case(BpfMapType.Xskmap, 4, 4, 4);
        yield return Case(BpfMapType.ReuseportSockarray, 4, 4, 4);
        yield return Case(BpfMapType.Arena, 0, 0, 1, BpfMapFlags.Mmapable);
    }

    [TestCaseSource(nameof(Specs))]
    public void CreatesTheMapType(MapSpec spec)
    {
        RequireMapType(spec.Type);
        using var map = Map.Create(spec);
        var info = map.Info();
        using var scope = Assert.EnterMultipleScope();
        Assert.That(info.Type, Is.EqualTo(spec.Type));
        Assert.That(info.KeySize, Is.EqualTo(spec.KeySize));
        Assert.That(info.ValueSize, Is.EqualTo(spec.ValueSize));
        Assert.That(info.MaxEntries, Is.EqualTo(spec.MaxEntries));
        Assert.That(info.Name.ToString(), Is.EqualTo(spec.Name.Length > 15 ? spec.Name[..15] : spec.Name));
    }

    /// <summary>A local storage map of <paramref name="type"/> (int key, u64 value, no prealloc) with the BTF the kernel insists on.</summary>
    internal static MapSpec LocalStorage(BpfMapType type, string name)
    {
        var builder = new BtfBuilder();
        uint key = builder.AddInt("int", 4, BtfIntEncoding.Signed);
        uint value = builder.AddInt("long long unsigned int", 8);
        var btf = BtfSpec.Parse(builder.Marshal(BitConverter.IsLittleEndian ? Ebpf.Asm.ByteOrder.LittleEndian : Ebpf.Asm.ByteOrder.BigEndian));
        return new MapSpec
        {
            Name = name,
            Type = type,
            KeySize = 4,
            ValueSize = 8,
            MaxEntries = 0,
            Flags = BpfMapFlags.NoPrealloc,
            Btf = btf,
            Key = btf[key],
            Value = btf[value],
        };
    }

    [TestCase(BpfMapType.TaskStorage)]
    [TestCase(BpfMapType.InodeStorage)]
    [TestCase(BpfMapType.SkStorage)]
    [TestCase(BpfMapType.CgrpStorage)]
    public void LocalStorageNeedsAndGetsBtf(BpfMapType type)
    {
        RequireMapType(type);
        var spec = LocalStorage(type, "storage");
        using var map = Map.Create(spec);
        Assert.That(map.Info().BtfId, Is.Not.Zero);
    }

    [Test]
    public void MapInMapHoldsMapsGivenByReference()
    {
        var inner = new MapSpec { Name = "inner", Type = BpfMapType.Array, KeySize = 4, ValueSize = 8, MaxEntries = 2 };
        using var first = Map.Create(inner with { Name = "inner_a" });
        using var second = Map.Create(inner with { Name = "inner_b" });
        var maps = new Dictionary<string, Map> { ["inner_a"] = first, ["inner_b"] = second };
        var options = new MapCreateOptions { ResolveValueReference = name => maps[name].FileDescriptor };

        foreach (var type in new[] { BpfMapType.ArrayOfMaps, BpfMapType.HashOfMaps })
        {
            var outer = new MapSpec
            {
                Name = "outer",
                Type = type,
                KeySize = 4,
                ValueSize = 4,
                MaxEntries = 4,
                InnerMap = inner,
                Contents =
                [
                    new MapEntry(BitConverter.GetBytes(0u), ReadOnlyMemory<byte>.Empty, "inner_a"),
                    new MapEntry(BitConverter.GetBytes(2u), ReadOnlyMemory<byte>.Empty, "inner_b"),
                ],
            };
            using var map = Map.Create(outer, options: options);
            using var scope = Assert.EnterMultipleScope();
            Assert.That(map.Lookup<uint, uint>(0), Is.EqualTo(first.Info().Id), "user space reads inner maps as ids");
            Assert.That(map.Lookup<uint, uint>(2), Is.EqualTo(second.Info().Id));
        }

        using var wrongShape = Map.Create(inner with { Name = "wrong", ValueSize = 4 });
        var bad = new MapSpec
        {
            Name = "outer_bad",
            Type = BpfMapType.ArrayOfMaps,
            KeySize = 4,
            ValueSize = 4,
            MaxEntries = 1,
            InnerMap = inner,
            Contents = [new MapEntry(BitConverter.GetBytes(0u), ReadOnlyMemory<byte>.Empty, "wrong")],
        };
        Assert.Throws<EbpfException>(() => Map.Create(bad, options: new MapCreateOptions { ResolveValueReference = _ => wrongShape.FileDescriptor }));
    }

    [Test]
    public void ProgramArrayHoldsProgramsGivenByReference()
    {
        using var prog = KernelPrograms.LoadSocketFilter(LinuxBpfSyscalls.Instance, KernelPrograms.Encode(KernelPrograms.MovR0(0), KernelPrograms.Exit()));
        var spec = new MapSpec
        {
            Name = "jump_table",
            Type = BpfMapType.ProgArray,
            KeySize = 4,
            ValueSize = 4,
            MaxEntries = 4,
            Contents = [new MapEntry(BitConverter.GetBytes(1u), ReadOnlyMemory<byte>.Empty, "handler")],
        };
        using var map = Map.Create(spec, options: new MapCreateOptions { ResolveValueReference = _ => prog });
        Assert.That(map.Lookup<uint, uint>(1), Is.EqualTo(KernelPrograms.ProgInfoOf(LinuxBpfSyscalls.Instance, prog).Id));
        Assert.That(map.TryLookup(0u, out uint _), Is.False);
        Assert.That(prog.IsClosed, Is.False, "the resolved descriptor stays the caller's");
    }

    private static void RequireMapType(BpfMapType type) =>
        KernelRefusal.Require(KernelNames.Of(type), () => Features.Default.HaveMapType(type));
}
