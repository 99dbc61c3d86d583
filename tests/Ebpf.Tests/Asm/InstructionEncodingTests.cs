using Ebpf.Asm;

namespace Ebpf.Tests.Asm;

public class InstructionEncodingTests
{
    [TestCase(ByteOrder.LittleEndian, new byte[] { 0xbf, 0x16, 0xfe, 0xff, 0x78, 0x56, 0x34, 0x12 })]
    [TestCase(ByteOrder.BigEndian, new byte[] { 0xbf, 0x61, 0xff, 0xfe, 0x12, 0x34, 0x56, 0x78 })]
    public void EncodesFieldsInByteOrder(ByteOrder order, byte[] expected)
    {
        var insn = new Instruction(new OpCode(0xbf), Register.R6, Register.R1, -2, 0x12345678);
        Span<byte> buf = stackalloc byte[8];
        Assert.That(insn.Encode(buf, order), Is.EqualTo(8));
        Assert.That(buf.ToArray(), Is.EqualTo(expected));

        Assert.That(Instruction.Decode(expected, order, out var back), Is.EqualTo(8));
        Assert.That(back, Is.EqualTo(insn));
        Assert.That(back.Dst, Is.EqualTo(Register.R6));
        Assert.That(back.Src, Is.EqualTo(Register.R1));
    }

    [TestCase(ByteOrder.LittleEndian)]
    [TestCase(ByteOrder.BigEndian)]
    public void LoadImm64TakesTwoSlots(ByteOrder order)
    {
        var insn = new Instruction(OpCode.LoadImm64, Register.R1, (Register)PseudoSource.MapValue, 0, unchecked((long)0x8877665544332211));
        var buf = new byte[16];
        Assert.That(insn.Encode(buf, order), Is.EqualTo(16));
        Assert.That(Instruction.Decode(buf, order, out var back), Is.EqualTo(16));
        Assert.That(back.Constant, Is.EqualTo(insn.Constant));
        Assert.That(back.Src, Is.EqualTo((Register)PseudoSource.MapValue));
    }

    [Test]
    public void TruncatedInputThrowsTypedException()
    {
        Assert.Throws<InstructionFormatException>(() => Instruction.Decode(new byte[5], ByteOrder.LittleEndian, out _));
        var lddw = new byte[] { 0x18, 0x01, 0, 0, 1, 0, 0, 0 };
        Assert.Throws<InstructionFormatException>(() => Instruction.Decode(lddw, ByteOrder.LittleEndian, out _));
    }

    [Test]
    public void ConstantOutsideImmediateCannotBeEncoded()
    {
        var insn = new Instruction(new OpCode(0xb7), Register.R0, Register.R0, 0, 1L << 40);
        Assert.Throws<InstructionFormatException>(() => insn.Encode(new byte[8], ByteOrder.LittleEndian));
    }

    [Test]
    public void HelperNamesComeFromTheKernelHeader()
    {
        Assert.That(Helper.MapLookupElem.GetName(), Is.EqualTo("bpf_map_lookup_elem"));
        Assert.That((int)Helper.MapLookupElem, Is.EqualTo(1));
        Assert.That((int)Helper.RingbufOutput, Is.EqualTo(130));
        Assert.That(HelperNames.TryParse("bpf_loop", out var loop) && loop == Helper.Loop, Is.True);
    }
}
