using System.Buffers.Binary;
using System.Diagnostics;
using Ebpf.Btf;

namespace Ebpf.Tests.Btf;

public class BtfFuzzTests
{
    private static readonly string[] Programs = ["atomics", "callbacks", "maps_and_globals", "packet"];

    [Test]
    public void MutatedObjectBtfOnlyThrowsFormatExceptions()
    {
        var seeds = new List<(string Name, byte[] Bytes)>();
        foreach (var program in Programs)
        {
            seeds.Add(($"{program}.bpfel", ObjectBtf.Section(program)));
            seeds.Add(($"{program}.bpfeb", ObjectBtf.Section(program, bigEndian: true)));
        }

        seeds.Add(("btf_testmod.btf.base", File.ReadAllBytes(BtfTestData.Shared("btf_testmod.btf.base"))));
        var clock = Stopwatch.StartNew();
        int parsed = 0;
        int rejected = 0;
        foreach (var (name, bytes) in seeds)
        {
            Assert.DoesNotThrow(() => Exercise(BtfSpec.Parse(bytes)), $"unmutated {name}");
            var random = new Random(name.Length * 7919 + bytes.Length);
            for (int iteration = 0; iteration < 1500; iteration++)
            {
                var mutated = Mutate(bytes, random);
                try
                {
                    Exercise(BtfSpec.Parse(mutated));
                    parsed++;
                }
                catch (BtfFormatException)
                {
                    rejected++;
                }
                catch (Exception e)
                {
                    Assert.Fail($"{name} iteration {iteration}: {e.GetType().Name}: {e.Message}\n{Convert.ToHexString(mutated)}\n{e}");
                }
            }
        }

        TestContext.Out.WriteLine($"{parsed} mutants parsed, {rejected} rejected, {clock.Elapsed.TotalSeconds:F1} s");
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)));
        Assert.That(parsed, Is.GreaterThan(0));
        Assert.That(rejected, Is.GreaterThan(0));
    }

    [Test]
    public void MutatedSplitBtfOnlyThrowsFormatExceptions()
    {
        var baseSpec = BtfSpec.Load(BtfTestData.Shared("btf_testmod.btf.base"));
        var bytes = File.ReadAllBytes(BtfTestData.Shared("btf_testmod.btf"));
        var random = new Random(12345);
        var clock = Stopwatch.StartNew();
        for (int iteration = 0; iteration < 400; iteration++)
        {
            var mutated = Mutate(bytes, random);
            try
            {
                Exercise(BtfSpec.Parse(mutated, baseSpec));
            }
            catch (BtfFormatException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"iteration {iteration}: {e.GetType().Name}: {e.Message}\n{e}");
            }
        }

        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)));
    }

    /// <summary>One of: truncation, a few flipped bytes, or a 32-bit word forced to an edge value.</summary>
    private static byte[] Mutate(byte[] seed, Random random)
    {
        switch (random.Next(4))
        {
            case 0:
                return seed[..random.Next(seed.Length)];
            case 1:
            {
                var copy = (byte[])seed.Clone();
                for (int n = random.Next(1, 5); n > 0; n--)
                {
                    copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                }

                return copy;
            }

            default:
            {
                var copy = (byte[])seed.Clone();
                int at = random.Next(2) == 0 ? 4 * random.Next(6) : 4 * random.Next(copy.Length / 4);
                uint[] edges = [0, 1, 0xffff, 0x10000, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff, (uint)random.Next(), (uint)random.Next(64)];
                uint value = edges[random.Next(edges.Length)];
                BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(at, 4), value);
                return copy;
            }
        }
    }

    /// <summary>Uses every read path of a parsed spec.</summary>
    private static void Exercise(BtfSpec spec)
    {
        _ = BtfRawDumper.Dump(spec);
        for (uint id = 0; id <= spec.LastTypeId; id++)
        {
            var type = spec.GetTypeById(id);
            _ = spec.GetName(id);
            _ = spec.GetKind(id);
            spec.TryGetSize(id, out _);
            spec.TryGetAlignment(id, out _);
            spec.ResolveUnderlyingId(id);
            _ = spec.Walk(id).Count();
            if (type.Name.Length > 0)
            {
                _ = spec.FindIds(type.Name);
                _ = spec.FindIds(type.Name + "___x", type.Kind, ignoreFlavor: true);
            }
        }
    }
}
