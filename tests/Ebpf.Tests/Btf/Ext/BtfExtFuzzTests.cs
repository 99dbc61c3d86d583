using System.Buffers.Binary;
using Ebpf.Btf;
using Ebpf.Elf;

namespace Ebpf.Tests.Btf;

public class BtfExtFuzzTests
{
    private static (BtfSpec Btf, byte[] Ext) Seed(string name, bool bigEndian)
    {
        string path = TestPrograms.Path(name, bigEndian);
        if (!File.Exists(path))
        {
            Assert.Ignore($"{path} was not built");
        }

        var elf = ElfFile.Parse(File.ReadAllBytes(path));
        return (BtfSpec.FromElf(elf), elf.FindSection(BtfExtInfo.ElfSectionName)!.Data.ToArray());
    }

    [TestCase("core", false)]
    [TestCase("core", true)]
    [TestCase("callbacks", false)]
    [TestCase("maps_and_globals", true)]
    public void MutatedExtOnlyThrowsFormatExceptions(string name, bool bigEndian)
    {
        var (btf, ext) = Seed(name, bigEndian);
        var random = new Random(ext.Length);
        int rejected = 0;
        for (int iteration = 0; iteration < 3000; iteration++)
        {
            var mutated = (byte[])ext.Clone();
            int changes = random.Next(1, 4);
            for (int c = 0; c < changes; c++)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            }

            if (random.Next(4) == 0)
            {
                Array.Resize(ref mutated, random.Next(mutated.Length));
            }

            try
            {
                _ = BtfExtInfo.Parse(mutated, btf);
            }
            catch (BtfFormatException)
            {
                rejected++;
            }
        }

        Assert.That(rejected, Is.GreaterThan(100));
    }

    [Test]
    public void EveryTruncationIsRejected()
    {
        var (btf, ext) = Seed("core", false);
        for (int length = 0; length < ext.Length; length++)
        {
            Assert.Throws<BtfFormatException>(() => BtfExtInfo.Parse(ext.AsSpan(0, length), btf), $"length {length}");
        }
    }

    [TestCase(0, 0x1234u, "magic")]
    [TestCase(2, 2u, "version")]
    public void BadHeaderFieldsAreRejected(int offset, uint value, string what)
    {
        var (btf, ext) = Seed("core", false);
        if (offset == 0)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(ext, (ushort)value);
        }
        else
        {
            ext[offset] = (byte)value;
        }

        var e = Assert.Throws<BtfFormatException>(() => BtfExtInfo.Parse(ext, btf));
        Assert.That(e!.Message, Does.Contain(what));
    }

    [Test]
    public void UnknownRelocationKindIsRejected()
    {
        var (btf, ext) = Seed("core", false);
        var info = BtfExtInfo.Parse(ext, btf);
        // first CO-RE record: header, record size, section name + count, then insn_off, type_id, access_str_off, kind
        int kindAt = (int)(info.Header.HeaderLength + info.Header.CoreRelocationOffset) + 4 + 8 + 12;
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(ext.AsSpan(kindAt)), Is.EqualTo((uint)CoreRelocationKind.FieldByteOffset));
        BinaryPrimitives.WriteUInt32LittleEndian(ext.AsSpan(kindAt), 13);
        var e = Assert.Throws<BtfFormatException>(() => BtfExtInfo.Parse(ext, btf));
        Assert.That(e!.Offset, Is.EqualTo(kindAt));
    }

    [Test]
    public void ApplyRejectsRecordsPastTheInstructions()
    {
        var (btf, ext) = Seed("core", false);
        var info = BtfExtInfo.Parse(ext, btf);
        var shortSection = Ebpf.Asm.Instructions.Decode(new byte[16], Ebpf.Asm.ByteOrder.LittleEndian);
        Assert.Throws<BtfFormatException>(() => info.Apply("raw_tracepoint/sys_enter", shortSection));
    }
}
