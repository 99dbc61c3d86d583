using System.Buffers.Binary;
using System.Diagnostics;
using Ebpf.Btf;
using Ebpf.Btf.CFormat;

namespace Ebpf.Tests.Btf.CFormat;

/// <summary>Broken BTF must make <see cref="BtfCWriter"/> throw <see cref="BtfFormatException"/>, not crash or hang.</summary>
public class BtfCWriterFuzzTests
{
    [Test]
    public void MutatedObjectBtfOnlyThrowsFormatExceptions()
    {
        var seeds = new List<(string Name, byte[] Bytes)>();
        foreach (var program in (string[])["atomics", "callbacks", "maps_and_globals", "packet"])
        {
            seeds.Add((program, ObjectBtf.Section(program)));
        }

        seeds.Add(("btf_testmod.btf.base", File.ReadAllBytes(BtfTestData.Shared("btf_testmod.btf.base"))));
        var clock = Stopwatch.StartNew();
        int written = 0;
        int rejected = 0;
        foreach (var (name, bytes) in seeds)
        {
            var random = new Random(name.Length * 31 + bytes.Length);
            int iterations = bytes.Length > 100_000 ? 100 : 1500;
            for (int iteration = 0; iteration < iterations; iteration++)
            {
                var mutated = MutateTypeSection(bytes, random);
                try
                {
                    var spec = BtfSpec.Parse(mutated);
                    _ = BtfCWriter.ToHeader(spec);
                    _ = BtfCWriter.ToHeader(spec, new BtfCWriterOptions { EnumSizeAttributes = true });
                    written++;
                }
                catch (BtfFormatException)
                {
                    rejected++;
                }
                catch (Exception e)
                {
                    Assert.Fail($"{name} iteration {iteration}: {e.GetType().Name}: {e.Message}\n{e}");
                }
            }
        }

        TestContext.Out.WriteLine($"{written} mutants written, {rejected} rejected, {clock.Elapsed.TotalSeconds:F1} s");
        Assert.That(written, Is.GreaterThan(0));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)));
    }

    /// <summary>Sets a few words of the type section (names, kinds, sizes, type ids, offsets) to small or edge values,
    /// so the mutants mostly still parse and reach the writer with odd type graphs.</summary>
    private static byte[] MutateTypeSection(byte[] seed, Random random)
    {
        var copy = (byte[])seed.Clone();
        uint headerLength = BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan(4));
        uint typeOffset = BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan(8));
        uint typeLength = BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan(12));
        int words = (int)(typeLength / 4);
        for (int n = random.Next(1, 4); n > 0; n--)
        {
            int at = (int)(headerLength + typeOffset) + (4 * random.Next(words));
            uint old = BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan(at));
            uint[] values = [0, 1, 2, (uint)random.Next(64), old + 1, old - 1, old ^ (1u << random.Next(32)), 0xffff_ffff, 0x8000_0000];
            BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(at), values[random.Next(values.Length)]);
        }

        return copy;
    }
}
