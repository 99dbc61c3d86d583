using Ebpf.Asm;

namespace Ebpf.Tests.Asm;

using static global::Ebpf.Asm.Register;

/// <summary>
/// Every builder method against the bytes the kernel (include/uapi/linux/bpf.h, the BPF_* macros of
/// filter.h) and LLVM's BPF backend produce for the same instruction, in bpfel byte order.
/// </summary>
public class BuilderTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        // ALU64 and ALU32, immediate and register forms: opcode = class | op | source.
        var alu = new (string Name, AluOperation Op, byte K64)[]
        {
            ("Add", Insn.Add, 0x07), ("Sub", Insn.Sub, 0x17), ("Mul", Insn.Mul, 0x27), ("Div", Insn.Div, 0x37),
            ("Or", Insn.Or, 0x47), ("And", Insn.And, 0x57), ("LSh", Insn.LSh, 0x67), ("RSh", Insn.RSh, 0x77),
            ("Mod", Insn.Mod, 0x97), ("Xor", Insn.Xor, 0xa7), ("Mov", Insn.Mov, 0xb7), ("ArSh", Insn.ArSh, 0xc7),
        };
        foreach (var (name, op, k64) in alu)
        {
            yield return Case($"{name}.Imm", op.Imm(R1, -4), $"{k64:x2} 01 0000 fcffffff");
            yield return Case($"{name}.Reg", op.Reg(R1, R2), $"{k64 | 0x08:x2} 21 0000 00000000");
            yield return Case($"{name}.Imm32", op.Imm32(R3, 7), $"{(k64 & 0xf0) | 0x04:x2} 03 0000 07000000");
            yield return Case($"{name}.Reg32", op.Reg32(R3, R9), $"{(k64 & 0xf0) | 0x0c:x2} 93 0000 00000000");
        }

        yield return Case("Mov.Imm r0 = 0", Insn.Mov.Imm(R0, 0), "b7 00 0000 00000000");
        yield return Case("Mov.Reg r1 = r6", Insn.Mov.Reg(R1, R6), "bf 61 0000 00000000");
        yield return Case("Mov.Reg r2 = r10", Insn.Mov.Reg(R2, R10), "bf a2 0000 00000000");

        // ISA v4 signed division and modulo: offset 1.
        yield return Case("SDiv.Imm", Insn.SDiv.Imm(R1, 3), "37 01 0100 03000000");
        yield return Case("SDiv.Reg", Insn.SDiv.Reg(R1, R2), "3f 21 0100 00000000");
        yield return Case("SDiv.Imm32", Insn.SDiv.Imm32(R1, 3), "34 01 0100 03000000");
        yield return Case("SDiv.Reg32", Insn.SDiv.Reg32(R1, R2), "3c 21 0100 00000000");
        yield return Case("SMod.Imm", Insn.SMod.Imm(R1, 3), "97 01 0100 03000000");
        yield return Case("SMod.Reg", Insn.SMod.Reg(R1, R2), "9f 21 0100 00000000");
        yield return Case("SMod.Imm32", Insn.SMod.Imm32(R1, 3), "94 01 0100 03000000");
        yield return Case("SMod.Reg32", Insn.SMod.Reg32(R1, R2), "9c 21 0100 00000000");

        // ISA v4 sign-extending moves: the offset holds the source width.
        yield return Case("MovSX 8", Insn.MovSX(R1, R2, 8), "bf 21 0800 00000000");
        yield return Case("MovSX 16", Insn.MovSX(R1, R2, 16), "bf 21 1000 00000000");
        yield return Case("MovSX 32", Insn.MovSX(R1, R2, 32), "bf 21 2000 00000000");
        yield return Case("MovSX32 8", Insn.MovSX32(R1, R2, 8), "bc 21 0800 00000000");
        yield return Case("MovSX32 16", Insn.MovSX32(R1, R2, 16), "bc 21 1000 00000000");

        yield return Case("Neg", Insn.Neg(R3), "87 03 0000 00000000");
        yield return Case("Neg32", Insn.Neg32(R3), "84 03 0000 00000000");

        // Byte swaps: ALU|END|TO_LE = 0xd4, ALU|END|TO_BE = 0xdc, ALU64|END = 0xd7 (bswap); imm is the width.
        yield return Case("le16", Insn.ToLittleEndian(R1, 16), "d4 01 0000 10000000");
        yield return Case("le32", Insn.ToLittleEndian(R1, 32), "d4 01 0000 20000000");
        yield return Case("le64", Insn.ToLittleEndian(R1, 64), "d4 01 0000 40000000");
        yield return Case("be16", Insn.ToBigEndian(R1, 16), "dc 01 0000 10000000");
        yield return Case("be32", Insn.ToBigEndian(R1, 32), "dc 01 0000 20000000");
        yield return Case("be64", Insn.ToBigEndian(R1, 64), "dc 01 0000 40000000");
        yield return Case("bswap16", Insn.BSwap(R1, 16), "d7 01 0000 10000000");
        yield return Case("bswap32", Insn.BSwap(R1, 32), "d7 01 0000 20000000");
        yield return Case("bswap64", Insn.BSwap(R1, 64), "d7 01 0000 40000000");

        // Conditional jumps, JMP and JMP32, with raw offsets.
        var jumps = new (string Name, JumpOperation Op, byte K64)[]
        {
            ("JEq", Insn.JEq, 0x15), ("JGT", Insn.JGT, 0x25), ("JGE", Insn.JGE, 0x35), ("JSet", Insn.JSet, 0x45),
            ("JNE", Insn.JNE, 0x55), ("JSGT", Insn.JSGT, 0x65), ("JSGE", Insn.JSGE, 0x75), ("JLT", Insn.JLT, 0xa5),
            ("JLE", Insn.JLE, 0xb5), ("JSLT", Insn.JSLT, 0xc5), ("JSLE", Insn.JSLE, 0xd5),
        };
        foreach (var (name, op, k64) in jumps)
        {
            yield return Case($"{name}.Imm", op.Imm(R1, 5, 3), $"{k64:x2} 01 0300 05000000");
            yield return Case($"{name}.Reg", op.Reg(R1, R2, -2), $"{k64 | 0x08:x2} 21 feff 00000000");
            yield return Case($"{name}.Imm32", op.Imm32(R1, -1, 1), $"{(k64 & 0xf0) | 0x06:x2} 01 0100 ffffffff");
            yield return Case($"{name}.Reg32", op.Reg32(R4, R5, 7), $"{(k64 & 0xf0) | 0x0e:x2} 54 0700 00000000");
        }

        yield return Case("Ja", Insn.Ja(2), "05 00 0200 00000000");
        yield return Case("JaLong (gotol)", Insn.JaLong(-3), "06 00 0000 fdffffff");
        yield return Case("MayGoto", Insn.MayGoto(5), "e5 00 0500 00000000");
        yield return Case("Call helper", Insn.Call(Helper.MapLookupElem), "85 00 0000 01000000");
        yield return Case("Call helper 130", Insn.Call(Helper.RingbufOutput), "85 00 0000 82000000");
        yield return Case("CallFunction offset", Insn.CallFunction(4), "85 10 0000 04000000");
        yield return Case("CallKfunc", Insn.CallKfunc(1234), "85 20 0000 d2040000");
        yield return Case("CallKfunc module", Insn.CallKfunc(1234, 2), "85 20 0200 d2040000");
        yield return Case("Exit", Insn.Exit(), "95 00 0000 00000000");
        yield return Case("Return", Insn.Return(), "95 00 0000 00000000");

        // Loads and stores: class | mode | size.
        yield return Case("LoadMem w", Insn.LoadMem(R0, R1, 8, AccessSize.Word), "61 10 0800 00000000");
        yield return Case("LoadMem h", Insn.LoadMem(R0, R1, 8, AccessSize.Half), "69 10 0800 00000000");
        yield return Case("LoadMem b", Insn.LoadMem(R0, R1, 8, AccessSize.Byte), "71 10 0800 00000000");
        yield return Case("LoadMem dw", Insn.LoadMem(R3, R10, -8, AccessSize.DWord), "79 a3 f8ff 00000000");
        yield return Case("LoadMemSX w", Insn.LoadMemSX(R0, R1, 4, AccessSize.Word), "81 10 0400 00000000");
        yield return Case("LoadMemSX h", Insn.LoadMemSX(R0, R1, 4, AccessSize.Half), "89 10 0400 00000000");
        yield return Case("LoadMemSX b", Insn.LoadMemSX(R0, R1, 4, AccessSize.Byte), "91 10 0400 00000000");
        yield return Case("StoreMem w", Insn.StoreMem(R10, -4, R1, AccessSize.Word), "63 1a fcff 00000000");
        yield return Case("StoreMem h", Insn.StoreMem(R10, -4, R1, AccessSize.Half), "6b 1a fcff 00000000");
        yield return Case("StoreMem b", Insn.StoreMem(R10, -4, R1, AccessSize.Byte), "73 1a fcff 00000000");
        yield return Case("StoreMem dw", Insn.StoreMem(R10, -8, R1, AccessSize.DWord), "7b 1a f8ff 00000000");
        yield return Case("StoreImm w", Insn.StoreImm(R10, -4, 7, AccessSize.Word), "62 0a fcff 07000000");
        yield return Case("StoreImm h", Insn.StoreImm(R10, -4, 7, AccessSize.Half), "6a 0a fcff 07000000");
        yield return Case("StoreImm b", Insn.StoreImm(R10, -4, 7, AccessSize.Byte), "72 0a fcff 07000000");
        yield return Case("StoreImm dw", Insn.StoreImm(R10, -8, -1, AccessSize.DWord), "7a 0a f8ff ffffffff");
        yield return Case("LoadAbs w", Insn.LoadAbs(12, AccessSize.Word), "20 00 0000 0c000000");
        yield return Case("LoadAbs h", Insn.LoadAbs(12, AccessSize.Half), "28 00 0000 0c000000");
        yield return Case("LoadAbs b", Insn.LoadAbs(12, AccessSize.Byte), "30 00 0000 0c000000");
        yield return Case("LoadInd w", Insn.LoadInd(R6, 14, AccessSize.Word), "40 60 0000 0e000000");
        yield return Case("LoadInd h", Insn.LoadInd(R6, 14, AccessSize.Half), "48 60 0000 0e000000");
        yield return Case("LoadInd b", Insn.LoadInd(R6, 14, AccessSize.Byte), "50 60 0000 0e000000");

        // Atomics: STX | ATOMIC | W (0xc3) or DW (0xdb), the operation in the immediate.
        yield return Case("AtomicAdd", Insn.AtomicAdd(R1, 8, R2), "db 21 0800 00000000");
        yield return Case("AtomicAdd32", Insn.AtomicAdd32(R1, 8, R2), "c3 21 0800 00000000");
        yield return Case("AtomicOr", Insn.AtomicOr(R1, 0, R2), "db 21 0000 40000000");
        yield return Case("AtomicOr32", Insn.AtomicOr32(R1, 0, R2), "c3 21 0000 40000000");
        yield return Case("AtomicAnd", Insn.AtomicAnd(R1, 0, R2), "db 21 0000 50000000");
        yield return Case("AtomicAnd32", Insn.AtomicAnd32(R1, 0, R2), "c3 21 0000 50000000");
        yield return Case("AtomicXor", Insn.AtomicXor(R1, 0, R2), "db 21 0000 a0000000");
        yield return Case("AtomicXor32", Insn.AtomicXor32(R1, 0, R2), "c3 21 0000 a0000000");
        yield return Case("AtomicFetchAdd", Insn.AtomicFetchAdd(R1, -8, R2), "db 21 f8ff 01000000");
        yield return Case("AtomicFetchAdd32", Insn.AtomicFetchAdd32(R1, -8, R2), "c3 21 f8ff 01000000");
        yield return Case("AtomicFetchOr", Insn.AtomicFetchOr(R1, 0, R2), "db 21 0000 41000000");
        yield return Case("AtomicFetchOr32", Insn.AtomicFetchOr32(R1, 0, R2), "c3 21 0000 41000000");
        yield return Case("AtomicFetchAnd", Insn.AtomicFetchAnd(R1, 0, R2), "db 21 0000 51000000");
        yield return Case("AtomicFetchAnd32", Insn.AtomicFetchAnd32(R1, 0, R2), "c3 21 0000 51000000");
        yield return Case("AtomicFetchXor", Insn.AtomicFetchXor(R1, 0, R2), "db 21 0000 a1000000");
        yield return Case("AtomicFetchXor32", Insn.AtomicFetchXor32(R1, 0, R2), "c3 21 0000 a1000000");
        yield return Case("AtomicXchg", Insn.AtomicXchg(R1, 0, R2), "db 21 0000 e1000000");
        yield return Case("AtomicXchg32", Insn.AtomicXchg32(R1, 0, R2), "c3 21 0000 e1000000");
        yield return Case("AtomicCmpXchg", Insn.AtomicCmpXchg(R1, 0, R2), "db 21 0000 f1000000");
        yield return Case("AtomicCmpXchg32", Insn.AtomicCmpXchg32(R1, 0, R2), "c3 21 0000 f1000000");

        // Load-acquire and store-release (BPF_LOAD_ACQ 0x100, BPF_STORE_REL 0x110), every size.
        yield return Case("LoadAcquire b", Insn.LoadAcquire(R0, R1, 0, AccessSize.Byte), "d3 10 0000 00010000");
        yield return Case("LoadAcquire h", Insn.LoadAcquire(R0, R1, 0, AccessSize.Half), "cb 10 0000 00010000");
        yield return Case("LoadAcquire w", Insn.LoadAcquire(R0, R1, 0, AccessSize.Word), "c3 10 0000 00010000");
        yield return Case("LoadAcquire dw", Insn.LoadAcquire(R0, R10, -8, AccessSize.DWord), "db a0 f8ff 00010000");
        yield return Case("StoreRelease b", Insn.StoreRelease(R1, 0, R2, AccessSize.Byte), "d3 21 0000 10010000");
        yield return Case("StoreRelease h", Insn.StoreRelease(R1, 0, R2, AccessSize.Half), "cb 21 0000 10010000");
        yield return Case("StoreRelease w", Insn.StoreRelease(R1, 0, R2, AccessSize.Word), "c3 21 0000 10010000");
        yield return Case("StoreRelease dw", Insn.StoreRelease(R10, -8, R2, AccessSize.DWord), "db 2a f8ff 10010000");

        // lddw: two slots, the upper 32 bits in the second slot's immediate.
        yield return Case("LoadImm64", Insn.LoadImm64(R1, 0x1122334455667788), "18 01 0000 88776655 00 00 0000 44332211");
        yield return Case("LoadImm64 -1", Insn.LoadImm64(R0, -1), "18 00 0000 ffffffff 00 00 0000 ffffffff");
        yield return Case("LoadMapPtr fd", Insn.LoadMapPtr(R1, 5), "18 11 0000 05000000 00 00 0000 00000000");
        yield return Case("LoadMapPtr name", Insn.LoadMapPtr(R1, "counts"), "18 11 0000 00000000 00 00 0000 00000000");
        yield return Case("LoadMapValue fd", Insn.LoadMapValue(R2, 7, 16), "18 22 0000 07000000 00 00 0000 10000000");
        yield return Case("LoadMapValue name", Insn.LoadMapValue(R2, ".data", 16), "18 22 0000 00000000 00 00 0000 10000000");
        yield return Case("LoadMapByIndex", Insn.LoadMapByIndex(R1, 3), "18 51 0000 03000000 00 00 0000 00000000");
        yield return Case("LoadMapValueByIndex", Insn.LoadMapValueByIndex(R1, 3, -8), "18 61 0000 03000000 00 00 0000 f8ffffff");
        yield return Case("LoadKernelVariable", Insn.LoadKernelVariable(R3, 99), "18 33 0000 63000000 00 00 0000 00000000");
    }

    private static TestCaseData Case(string name, Instruction insn, string hex) =>
        new TestCaseData(insn, hex).SetArgDisplayNames(name);

    [TestCaseSource(nameof(Cases))]
    public void EncodesToKernelBytes(Instruction insn, string hex)
    {
        byte[] expected = Bytes.Hex(hex);
        var buffer = new byte[insn.Size];
        Assert.That(insn.Encode(buffer, ByteOrder.LittleEndian), Is.EqualTo(expected.Length));
        Assert.That(Convert.ToHexString(buffer), Is.EqualTo(Convert.ToHexString(expected)));
    }

    [TestCaseSource(nameof(Cases))]
    public void RoundTripsInBothByteOrders(Instruction insn, string hex)
    {
        var expected = new Dictionary<ByteOrder, byte[]>
        {
            [ByteOrder.LittleEndian] = Bytes.Hex(hex),
            [ByteOrder.BigEndian] = Bytes.SwapSlots(Bytes.Hex(hex)),
        };
        foreach (var (order, bytes) in expected)
        {
            var buffer = new byte[insn.Size];
            insn.Encode(buffer, order);
            Assert.That(Convert.ToHexString(buffer), Is.EqualTo(Convert.ToHexString(bytes)), order.ToString());
            Assert.That(Instruction.Decode(bytes, order, out var back), Is.EqualTo(bytes.Length));
            Assert.That(back, Is.EqualTo(insn), order.ToString());
            Assert.That(back.Metadata, Is.Null);
        }
    }

    [Test]
    public void BigEndianLoadAcquireMatchesLlvm()
    {
        // llc -march=bpfeb -mcpu=v4: w0 = load_acquire((u8 *)(r1 + 0)) encodes as d3 01 00 00 00 00 01 00.
        var buffer = new byte[8];
        Insn.LoadAcquire(R0, R1, 0, AccessSize.Byte).Encode(buffer, ByteOrder.BigEndian);
        Assert.That(buffer, Is.EqualTo(Bytes.Hex("d3 01 0000 00000100")));
    }

    [Test]
    public void BuildersClassifyTheirInstructions()
    {
        Assert.That(Insn.Call(Helper.MapLookupElem).IsHelperCall, Is.True);
        Assert.That(Insn.Call(Helper.MapLookupElem).Helper, Is.EqualTo(Helper.MapLookupElem));
        Assert.That(Insn.CallFunction("f").IsFunctionCall, Is.True);
        Assert.That(Insn.CallKfunc(1).IsKfuncCall, Is.True);
        Assert.That(Insn.Exit().IsExit, Is.True);
        Assert.That(Insn.LoadMapPtr(R1, "m").IsLoadFromMap, Is.True);
        Assert.That(Insn.LoadMapValue(R1, "m", 0).IsLoadFromMap, Is.True);
        Assert.That(Insn.LoadFunctionPointer(R1, "cb").IsLoadOfFunctionPointer, Is.True);
        Assert.That(Insn.LoadFunctionPointer(R1, "cb").Slots, Is.EqualTo(2));
        Assert.That(Insn.JaLong("x").IsBranch, Is.True);
        Assert.That(Insn.MayGoto("x").IsBranch, Is.True);
        Assert.That(Insn.JSLE.Reg32(R1, R2, "x").IsBranch, Is.True);
        Assert.That(Insn.Call(Helper.MapLookupElem).IsBranch, Is.False);
    }

    [Test]
    public void LabelBuildersRecordTheReference()
    {
        Assert.That(Insn.JEq.Imm(R0, 0, "out").Reference, Is.EqualTo("out"));
        Assert.That(Insn.JNE.Reg(R0, R1, "a").Reference, Is.EqualTo("a"));
        Assert.That(Insn.JGT.Imm32(R0, 1, "b").Reference, Is.EqualTo("b"));
        Assert.That(Insn.JLT.Reg32(R0, R1, "c").Reference, Is.EqualTo("c"));
        Assert.That(Insn.Ja("d").Reference, Is.EqualTo("d"));
        Assert.That(Insn.JaLong("e").Reference, Is.EqualTo("e"));
        Assert.That(Insn.MayGoto("f").Reference, Is.EqualTo("f"));
        Assert.That(Insn.CallFunction("g").Reference, Is.EqualTo("g"));
        Assert.That(Insn.CallKfunc("bpf_obj_new_impl").Reference, Is.EqualTo("bpf_obj_new_impl"));
        Assert.That(Insn.LoadMapPtr(R1, "h").Reference, Is.EqualTo("h"));
        Assert.That(Insn.LoadMapValue(R1, "i", 4).Reference, Is.EqualTo("i"));
        Assert.That(Insn.LoadFunctionPointer(R1, "j").Reference, Is.EqualTo("j"));
        Assert.That(Insn.Exit().WithSymbol("out").Symbol, Is.EqualTo("out"));
    }

    [Test]
    public void InvalidOperandsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Insn.MovSX(R1, R2, 64));
        Assert.Throws<ArgumentOutOfRangeException>(() => Insn.MovSX32(R1, R2, 32));
        Assert.Throws<ArgumentOutOfRangeException>(() => Insn.BSwap(R1, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => Insn.ToBigEndian(R1, 48));
        Assert.Throws<ArgumentOutOfRangeException>(() => Insn.LoadMemSX(R1, R2, 0, AccessSize.DWord));
        Assert.Throws<ArgumentOutOfRangeException>(() => Insn.LoadAbs(0, AccessSize.DWord));
        Assert.Throws<ArgumentOutOfRangeException>(() => Insn.LoadInd(R1, 0, AccessSize.DWord));
        Assert.Throws<ArgumentOutOfRangeException>(() => Insn.Atomic(AtomicOp.Add, R1, 0, R2, AccessSize.Byte));
        Assert.Throws<ArgumentException>(() => Insn.JEq.Imm(R1, 0, ""));
        Assert.Throws<ArgumentNullException>(() => Insn.CallFunction(null!));
    }
}
