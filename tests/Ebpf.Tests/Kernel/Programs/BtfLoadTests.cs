using System.Buffers.Binary;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel;

[Category("Kernel")]
public sealed unsafe class BtfLoadTests
{
    private static readonly IBpfSyscalls Sys = LinuxBpfSyscalls.Instance;

    /// <summary>A hand-made BTF blob with one type: <c>int</c> (BTF_KIND_INT, 4 bytes, signed, 32 bits).</summary>
    private static byte[] IntBtf(ushort magic = 0xeb9f)
    {
        var blob = new byte[24 + 16 + 5];
        var s = blob.AsSpan();
        BinaryPrimitives.WriteUInt16LittleEndian(s, magic);
        s[2] = 1; // version
        BinaryPrimitives.WriteUInt32LittleEndian(s[4..], 24); // hdr_len
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], 0); // type_off
        BinaryPrimitives.WriteUInt32LittleEndian(s[12..], 16); // type_len
        BinaryPrimitives.WriteUInt32LittleEndian(s[16..], 16); // str_off
        BinaryPrimitives.WriteUInt32LittleEndian(s[20..], 5); // str_len
        BinaryPrimitives.WriteUInt32LittleEndian(s[24..], 1); // name_off -> "int"
        BinaryPrimitives.WriteUInt32LittleEndian(s[28..], 1u << 24); // info: kind INT
        BinaryPrimitives.WriteUInt32LittleEndian(s[32..], 4); // size
        BinaryPrimitives.WriteUInt32LittleEndian(s[36..], (1u << 24) | 32); // BTF_INT_SIGNED, 32 bits
        "\0int\0"u8.CopyTo(s[40..]);
        return blob;
    }

    [Test]
    public void LoadsBtfAndReadsItsInfo()
    {
        var blob = IntBtf();
        fixed (byte* p = blob)
        {
            var attr = new BtfLoadAttr { Btf = (ulong)p, BtfSize = (uint)blob.Length };
            using var btf = Sys.BtfLoad(ref attr);

            BtfInfo info = default;
            var infoAttr = new ObjGetInfoAttr { BpfFd = (uint)btf.DangerousGetFd(), InfoLen = (uint)sizeof(BtfInfo), Info = (ulong)&info };
            Sys.ObjGetInfoByFd(ref infoAttr);
            using var scope = Assert.EnterMultipleScope();
            Assert.That(info.Id, Is.Not.Zero);
            Assert.That(info.BtfSize, Is.EqualTo(blob.Length));
            Assert.That(info.KernelBtf, Is.Zero);
        }
    }

    [Test]
    public void RejectedBtfCarriesTheLog()
    {
        var blob = IntBtf(magic: 0x1234);
        var log = new byte[4096];
        fixed (byte* p = blob)
        fixed (byte* l = log)
        {
            var attr = new BtfLoadAttr { Btf = (ulong)p, BtfSize = (uint)blob.Length, BtfLogBuf = (ulong)l, BtfLogSize = (uint)log.Length, BtfLogLevel = 1 };
            var e = Assert.Throws<EbpfVerifierException>(() => Sys.BtfLoad(ref attr))!;
            Assert.That(e.Command, Is.EqualTo(BpfCommand.BtfLoad));
            Assert.That(e.Log, Does.Contain("magic"));
        }
    }
}
