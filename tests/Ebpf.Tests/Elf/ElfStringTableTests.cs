using Ebpf.Elf;

namespace Ebpf.Tests.Elf;

public class ElfStringTableTests
{
    [Test]
    public void ReadsAndMatchesStrings()
    {
        var table = new ElfStringTable("\0.text\0maps\0"u8.ToArray(), fileOffset: 100);
        Assert.That(table.IsTerminated, Is.True);
        Assert.That(table.GetString(0), Is.EqualTo(""));
        Assert.That(table.GetString(1), Is.EqualTo(".text"));
        Assert.That(table.GetString(3), Is.EqualTo("ext"));
        Assert.That(table.GetString(7), Is.EqualTo("maps"));
        Assert.That(table.Matches(7, "maps"u8), Is.True);
        Assert.That(table.Matches(7, "map"u8), Is.False);
        Assert.That(table.Matches(1, ".text\0maps"u8), Is.False);
        Assert.That(table.Matches(11, ""u8), Is.True);
        Assert.That(table.Matches(12, ""u8), Is.False);
        Assert.That(table.ContainsOffset(11), Is.True);
        Assert.That(table.ContainsOffset(12), Is.False);
    }

    [Test]
    public void RejectsOffsetsOutsideAndUnterminatedStrings()
    {
        var table = new ElfStringTable("\0abc"u8.ToArray(), fileOffset: 100);
        Assert.That(table.IsTerminated, Is.False);
        var outside = Assert.Throws<ElfFormatException>(() => table.GetString(4))!;
        Assert.That(outside.Offset, Is.EqualTo(100));
        var unterminated = Assert.Throws<ElfFormatException>(() => table.GetString(1))!;
        Assert.That(unterminated.Offset, Is.EqualTo(101));
        Assert.That(table.TryGetUtf8(1, out _), Is.False);
        Assert.That(table.Matches(1, "abc"u8), Is.False);
    }

    [Test]
    public void EmptyTableHoldsOnlyTheEmptyString()
    {
        var table = default(ElfStringTable);
        Assert.That(table.GetString(0), Is.EqualTo(""));
        Assert.That(table.Matches(0, ""u8), Is.True);
        Assert.Throws<ElfFormatException>(() => table.GetString(1));
    }
}
