using System.Runtime.InteropServices;
using Ebpf.Kernel;
using Ebpf.Specs;

namespace Ebpf.Tests.Kernel.Histograms;

/// <summary>Histograms read back from real maps whose slots user space wrote: array, per-CPU array, hash with a BTF layout.</summary>
[Category("Kernel")]
public sealed class HistogramMapKernelTests
{
    private static readonly uint[] Slots = [1, 0, 0, 12, 40, 163, 98, 7, 0, 1, 0, 0];

    [Test]
    public void ReadsAnArrayOfU32Slots()
    {
        using var map = Map.Create(new MapSpec { Name = "hist_array", Type = BpfMapType.Array, KeySize = 4, ValueSize = (uint)(Slots.Length * 4), MaxEntries = 2 });
        map.Update(Key(1), MemoryMarshal.AsBytes(Slots.AsSpan()));

        var histogram = Log2Histogram.Read(map, 1u);
        var all = Log2Histogram.ReadAll<uint>(map);

        Assert.That(histogram.Counts, Is.EqualTo(Slots.Select(s => (ulong)s)));
        Assert.That(histogram.Total, Is.EqualTo(322UL));
        Assert.That(Log2Histogram.Read(map).Total, Is.Zero, "index 0 was never written");
        Assert.That(all.Select(e => (e.Key, e.Value.Total)), Is.EqualTo(new[] { (0u, 0UL), (1u, 322UL) }));
        Assert.That(histogram.ToString("usecs"), Does.Contain("        32 -> 63         : 163      |****************************************|\n"));
    }

    [Test]
    public void SumsThePerCpuSlotsOfU64Counters()
    {
        int cpus = PossibleCpus.Count;
        using var map = Map.Create(new MapSpec { Name = "hist_percpu", Type = BpfMapType.PercpuArray, KeySize = 4, ValueSize = 8 * 8, MaxEntries = 1 });
        var values = new Slots8[cpus];
        for (int cpu = 0; cpu < cpus; cpu++)
        {
            values[cpu][0] = 1;
            values[cpu][3] = (ulong)cpu + 1;
            values[cpu][7] = 1UL << 33;
        }

        map.UpdatePerCpu(0u, values.AsSpan());

        var histogram = Log2Histogram.Read(map, new HistogramLayout(8, 8));
        var linear = LinearHistogram.Read(map, 0u, 0, 100, new HistogramLayout(8, 8));

        ulong n = (ulong)cpus;
        Assert.That(histogram.Counts, Is.EqualTo(new ulong[] { n, 0, 0, n * (n + 1) / 2, 0, 0, 0, n << 33 }));
        Assert.That(linear.Buckets[3], Is.EqualTo(new HistogramBucket(300, 399, n * (n + 1) / 2)));
    }

    [Test]
    public void ReadsEveryKeyOfAHashOfStructHistWithItsBtfLayout()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("histograms")).Maps["hists"];
        using var map = Map.Create(spec);
        var layout = HistogramLayout.FromSpec(spec);
        var value = new byte[map.ValueSize];
        MemoryMarshal.Cast<byte, uint>(value.AsSpan(0, 27 * 4))[4] = 9;
        "bash"u8.CopyTo(value.AsSpan(27 * 4));
        map.Update(Key(100), value);
        MemoryMarshal.Cast<byte, uint>(value.AsSpan(0, 27 * 4))[0] = 3;
        map.Update(Key(200), value);

        var all = Log2Histogram.ReadAll<uint>(map, layout).ToDictionary(e => e.Key, e => e.Value);

        Assert.That(all.Keys, Is.EquivalentTo(new[] { 100u, 200u }));
        Assert.That(all[100].Buckets.Where(b => b.Count > 0), Is.EqualTo(new[] { new HistogramBucket(16, 31, 9) }));
        Assert.That(all[200].Total, Is.EqualTo(12UL));
        Assert.That(() => Log2Histogram.Read(map, 300u, layout), Throws.InstanceOf<EbpfKeyNotFoundException>());
    }

    [Test]
    public void ReadsWhatAProgramCountedIntoBothMapsOfTheObject()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("histograms"));
        using var collection = Collection.Load(spec);
        var hists = collection.Maps["hists"];
        hists.Update(Key(0), new byte[hists.ValueSize]);
        var program = collection.Programs["count_length"];

        foreach (int size in new[] { 64, 300, 300, 1100 })
        {
            program.TestRun(new byte[size]);
        }

        var perTask = Log2Histogram.Read(hists, HistogramLayout.FromSpec(spec.Maps["hists"]));
        var wide = Log2Histogram.Read(collection.Maps["wide_hist"], HistogramLayout.FromSpec(spec.Maps["wide_hist"]));

        Assert.That(perTask.Counts.Count, Is.EqualTo(27), "the comm after the slots is not read as slots");
        Assert.That(perTask.Buckets.Where(b => b.Count > 0), Is.EqualTo(new[]
        {
            new HistogramBucket(0, 1, 1), new HistogramBucket(4, 7, 2), new HistogramBucket(1024, 2047, 1),
        }));
        Assert.That(wide.Counts, Is.EqualTo(new ulong[] { 1, 0, 2, 0, 0, 0, 0, 0 }), "summed over the CPUs the runs used");
        Assert.That(perTask.ToString("length/128"), Does.StartWith("     length/128          : count    distribution\n         0 -> 1          : 1        |********************                    |\n"));
    }

    private static byte[] Key(uint key) => BitConverter.GetBytes(key);

    [System.Runtime.CompilerServices.InlineArray(8)]
    private struct Slots8
    {
        private ulong _element;
    }
}
