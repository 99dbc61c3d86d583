using System.Buffers.Binary;
using Ebpf.Asm;
using Ebpf.Elf;

namespace Ebpf.Tests.Specs;

/// <summary>A <c>.bss</c> is allocated only when used, so a large (or forged) one costs nothing until then.</summary>
public sealed class ZeroFilledDataTests
{
    private const long HugeBss = 1L << 30;

    /// <summary>maps_and_globals with its <c>.bss</c> section header claiming <paramref name="size"/> bytes.</summary>
    private static byte[] WithBssSize(bool bigEndian, long size)
    {
        byte[] image = File.ReadAllBytes(TestPrograms.Path("maps_and_globals", bigEndian));
        var elf = ElfFile.Parse(image);
        int index = elf.Sections.Single(s => s.Name == ".bss").Index;
        ulong sectionHeaders = bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(image.AsSpan(0x28)) : BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(0x28));
        var field = image.AsSpan((int)sectionHeaders + (index * 64) + 32, 8); // sh_size
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt64BigEndian(field, (ulong)size);
        }
        else
        {
            BinaryPrimitives.WriteUInt64LittleEndian(field, (ulong)size);
        }

        return image;
    }

    [TestCase(false)]
    [TestCase(true)]
    public void HugeBssLoadsWithoutAllocating(bool bigEndian)
    {
        byte[] image = WithBssSize(bigEndian, HugeBss);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var spec = CollectionSpec.Load(image);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var bss = spec.Maps[".bss"];
        Assert.That(bss.ValueSize, Is.EqualTo((uint)HugeBss));
        Assert.That(bss.Contents.Single().Value.Length, Is.EqualTo((int)HugeBss));
        Assert.That(bss.Contents.Single().IsUntouchedZeros, Is.True);
        Assert.That(allocated, Is.LessThan(16L << 20), "the .bss is not allocated by reading the object");

        Assert.That(spec.Variables["seen"].Bytes.ToArray(), Is.All.EqualTo((byte)0));
        Assert.That(bss.Contents.Single().IsUntouchedZeros, Is.True, "reading a small variable allocates nothing");

        var copy = spec.Copy();
        Assert.That(copy.Maps[".bss"].Contents.Single().IsUntouchedZeros, Is.True, "a copy stays lazy");
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(32L << 20));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void WritingAVariableAllocatesAndLandsInTheContents(bool bigEndian)
    {
        var spec = CollectionSpec.Load(WithBssSize(bigEndian, 1 << 20));
        var entry = spec.Maps[".bss"].Contents.Single();
        var seen = spec.Variables["seen"];
        Assert.That(seen.MapName, Is.EqualTo(".bss"));

        var copy = spec.Copy();
        seen.SetBytes(Enumerable.Repeat((byte)0xAB, seen.Size).ToArray());
        Assert.That(entry.IsUntouchedZeros, Is.False);
        Assert.That(entry.Value.Span.Slice(seen.Offset, seen.Size).ToArray(), Is.All.EqualTo((byte)0xAB), "variables share the map's buffer");
        Assert.That(entry.Value.Length, Is.EqualTo(1 << 20));

        Assert.That(copy.Variables["seen"].Bytes.ToArray(), Is.All.EqualTo((byte)0), "the copy is independent");
        Assert.That(copy.Maps[".bss"].Contents.Single().Value.Span.IndexOfAnyExcept((byte)0), Is.EqualTo(-1));
    }

    [Test]
    public void BssLargerThanAnArrayValueIsRefused()
    {
        var e = Assert.Throws<ElfSpecException>(() => CollectionSpec.Load(WithBssSize(bigEndian: false, (long)int.MaxValue + 1)))!;
        Assert.That(e.Message, Does.Contain("larger than an array map value"));
    }
}
