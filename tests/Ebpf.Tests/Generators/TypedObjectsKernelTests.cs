using System.Runtime.InteropServices;
using Ebpf.Hosting;
using Ebpf.Links;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ebpf.Tests.Generators;

/// <summary>The generated TypedObjects class (tests/bpf/typed.bpf.c) against the real kernel.</summary>
[Category("Kernel")]
[Category("Link")]
[NonParallelizable]
public class TypedObjectsKernelTests
{
    [Test]
    public void AProgramNotLoadedSaysSoInsteadOfAMissingKey()
    {
        var spec = TypedObjects.LoadSpec();
        spec.Programs["record_typed"] = spec.Programs["record_typed"] with { Autoload = false };
        using var objects = TypedObjects.Load(spec);
        Assert.That(() => objects.RecordTyped, Throws.InvalidOperationException.With.Message.StartsWith("program record_typed was not loaded (autoload off)"));
        Assert.That(objects.Values.Map, Is.Not.Null, "its maps still load");
    }

    [Test]
    public void AttachAllAttachesTheRawTracepointFromItsSection()
    {
        using var objects = TypedObjects.Load();
        using var links = objects.AttachAll();
        Assert.That(links.Single(), Is.TypeOf<RawTracepointLink>());
        Assert.That(links.Single().Info().ProgramId, Is.EqualTo(objects.RecordTyped.Info().Id));
    }

    [Test]
    public void TheTypedAttachMethodReturnsTheSectionsLink()
    {
        using var objects = TypedObjects.Load();
        using RawTracepointLink link = objects.AttachRecordTyped();
        Assert.That(link.Info().ProgramId, Is.EqualTo(objects.RecordTyped.Info().Id));
    }

    [Test]
    public void AGeneratedStructRoundTripsThroughARealMap()
    {
        using var objects = TypedObjects.Load();
        var key = new TypedObjects.TypedKey { Id = 9, Color = TypedObjects.Color.ColorBlue };
        key.Tag[0] = (byte)'a';
        key.Tag[2] = (byte)'z';
        var value = new TypedObjects.TypedValue
        {
            Origin = new TypedObjects.Point { X = -1, Y = 2 },
            Low = 1,
            High = 2,
            Mood = TypedObjects.Mood.MoodHappy,
            Pointer = 0xdead_beef_0000_0001,
            Ok = true,
        };
        value.Corners[1].Y = 77;
        value.Grid[1][2] = 42;
        value.Raw.AsU32 = 7;
        value.Flag = 1;
        value.Level = 6;
        value.Delta = -9;
        value.Wide = 12345;

        objects.Values.Update(key, value);
        var back = objects.Values.Lookup(key);
        Ebpf.Kernel.TypedMap<TypedObjects.TypedKey, TypedObjects.TypedValue> typed = objects.Values;
        Assert.That(typed.Map, Is.SameAs(objects.Collection.Maps["values"]), "the raw map stays reachable");
        Assert.That(typed.Entries().Single().Key.Id, Is.EqualTo(9u));

        Assert.That(Bytes(ref back), Is.EqualTo(Bytes(ref value)));
        Assert.That((back.Delta, back.Level, back.Wide, back.Grid[1][2], back.Corners[1].Y), Is.EqualTo((-9, 6u, 12345u, 42ul, 77)));
    }

    [Test]
    public void AGeneratedPerCpuMapBatchesAndIterates()
    {
        using var objects = TypedObjects.Load();
        Ebpf.Kernel.PerCpuMap<TypedObjects.TypedKey, uint> hits = objects.Hits;
        int cpus = Ebpf.Kernel.PossibleCpus.Count;
        var keys = Enumerable.Range(1, 5).Select(i => new TypedObjects.TypedKey { Id = (uint)i, Color = TypedObjects.Color.ColorRed }).ToArray();
        var values = Enumerable.Range(0, keys.Length * cpus).Select(i => (uint)i).ToArray();
        Assert.That(hits.UpdateBatch(keys, values), Is.EqualTo(5));

        var cursor = default(Ebpf.Kernel.MapBatchCursor);
        var outKeys = new TypedObjects.TypedKey[8];
        var outValues = new uint[8 * cpus];
        int read = 0;
        while (!cursor.IsDone)
        {
            int n = hits.LookupBatch(ref cursor, outKeys.AsSpan(read), outValues.AsSpan(read * cpus));
            read += n;
        }

        Assert.That(read, Is.EqualTo(5));
        for (int i = 0; i < read; i++)
        {
            int at = (int)outKeys[i].Id - 1;
            Assert.That(outValues.AsSpan(i * cpus, cpus).ToArray(), Is.EqualTo(values.AsSpan(at * cpus, cpus).ToArray()), $"key {outKeys[i].Id}");
        }

        var entries = hits.Entries().ToDictionary(e => e.Key.Id, e => e.Value);
        Assert.That(entries[3], Is.EqualTo(values.AsSpan(2 * cpus, cpus).ToArray()));
        Assert.That(hits.DeleteBatch(keys), Is.EqualTo(5));
        Assert.That(hits.Keys(), Is.Empty);
    }

    [Test]
    public void VariablesSetBeforeLoadReachTheProgram()
    {
        var spec = TypedObjects.LoadSpec();
        var variables = new TypedObjects.Variables(spec);
        Assert.That((variables.Limit, variables.Home.X, variables.Home.Y, variables.Seen), Is.EqualTo((7u, 1, 2, 3ul)));
        variables.Limit = 11;
        variables.Home = new TypedObjects.Point { X = 5, Y = 6 };

        using var objects = TypedObjects.Load(spec);
        var key = new TypedObjects.TypedKey { Id = 11, Color = TypedObjects.Color.ColorGreen };
        var value = new TypedObjects.TypedValue { Origin = new TypedObjects.Point { X = 100 }, Delta = -3 };
        objects.Values.Update(key, value);
        using (objects.RecordTyped.AttachRawTracepoint("sys_enter"))
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (objects.Values.Lookup(key).Origin.X == 100 && DateTime.UtcNow < deadline)
            {
                _ = File.Exists("/nonexistent"); // a syscall
            }
        }

        int x = objects.Values.Lookup(key).Origin.X;
        Assert.That(x, Is.GreaterThanOrEqualTo(105), "the program added home.x (5) with limit 11 as its key");
        Assert.That((x - 100) % 5, Is.Zero);

        var bss = new byte[objects.Bss.ValueSize];
        objects.Bss.Lookup(BitConverter.GetBytes(0u), bss);
        var lastDelta = spec.Variables["last_delta"];
        Assert.That(BitConverter.ToInt16(bss, lastDelta.Offset), Is.EqualTo(-3), "the C program read the bitfield the C# setter wrote");
    }

    [Test]
    public async Task AHostServesTheGeneratedClassOverItsCollection()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddEbpf(o => o.PinPath = string.Empty);
        builder.Services.AddEbpfCollection("typed", TypedObjects.FromCollection, b => b.FromSpec(TypedObjects.LoadSpec));
        using var host = builder.Build();
        await host.StartAsync();
        var objects = host.Services.GetRequiredService<TypedObjects>();
        var key = new TypedObjects.TypedKey { Id = 1 };
        objects.Values.Update(key, new TypedObjects.TypedValue { Wide = 99 });
        Assert.That(objects.Values.Lookup(key).Wide, Is.EqualTo(99u));
        Assert.That(objects.Collection, Is.SameAs(host.Services.GetRequiredKeyedService<EbpfCollectionHandle>("typed").Collection));
        await host.StopAsync();
    }

    private static byte[] Bytes(ref TypedObjects.TypedValue value) =>
        MemoryMarshal.AsBytes(new Span<TypedObjects.TypedValue>(ref value)).ToArray();
}
