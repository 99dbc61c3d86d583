using Ebpf.Asm;

namespace Ebpf.Tests.Asm;

public class InstructionListingTests
{
    private static Instruction I(byte op, byte dst, byte src, short off, long imm) =>
        new(new OpCode(op), (Register)dst, (Register)src, off, imm);

    [Test]
    public void NumbersLinesBySlotLikeBpftool()
    {
        Instruction[] program =
        [
            I(0xb7, 1, 0, 0, 0),
            I(0x18, 2, 1, 0, 4),
            I(0x85, 0, 0, 0, 1),
            I(0x95, 0, 0, 0, 0),
        ];

        Assert.That(InstructionListing.Format(program), Is.EqualTo(
            "   0: (b7) r1 = 0\n" +
            "   1: (18) r2 = 0x4\n" +
            "   3: (85) call bpf_map_lookup_elem#1\n" +
            "   4: (95) exit\n"));
        Assert.That(InstructionListing.Format((IEnumerable<Instruction>)program, new InstructionListingOptions { Opcodes = false }), Is.EqualTo(
            "   0: r1 = 0\n" +
            "   1: r2 = 0x4\n" +
            "   3: call bpf_map_lookup_elem#1\n" +
            "   4: exit\n"));
    }

    [Test]
    public void RawBytesFollowEachInstructionLikeBpftoolOpcodes()
    {
        Instruction[] program =
        [
            I(0x7b, 10, 1, -8, 0),
            I(0x18, 1, PseudoSource.MapFd, 0, (1L << 32) | 0x72),
        ];

        Assert.That(InstructionListing.Format(program, new InstructionListingOptions { RawBytes = true }), Is.EqualTo(
            "   0: (7b) *(u64 *)(r10 -8) = r1\n" +
            "       7b 1a f8 ff 00 00 00 00\n" +
            "   1: (18) r1 = 0x100000072\n" +
            "       18 11 00 00 72 00 00 00 00 00 00 00 01 00 00 00\n"));
        Assert.That(InstructionListing.Format(program, new InstructionListingOptions { RawBytes = true, RawByteOrder = ByteOrder.BigEndian }).Split('\n')[1],
            Is.EqualTo("       7b a1 ff f8 00 00 00 00"));
    }

    [Test]
    public void LineNumbersKeepALeadingSpaceBeyondFourDigits()
    {
        var program = new Instruction[10001];
        Array.Fill(program, I(0xb7, 0, 0, 0, 0));
        string[] lines = InstructionListing.Format(program).Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(lines[9], Is.EqualTo("   9: (b7) r0 = 0"));
            Assert.That(lines[999], Is.EqualTo(" 999: (b7) r0 = 0"));
            Assert.That(lines[1000], Is.EqualTo(" 1000: (b7) r0 = 0"));
            Assert.That(lines[10000], Is.EqualTo(" 10000: (b7) r0 = 0"));
        });
    }

    [Test]
    public void PrintsSymbolsAndSourceLinesWhenAsked()
    {
        var first = new SourceLine("prog.bpf.c", "\tint x = 0;", 10, 6);
        var second = new SourceLine("prog.bpf.c", "    return x;", 11, 2);
        var blank = new SourceLine("prog.bpf.c", "", 12, 1);
        Instruction[] program =
        [
            I(0xb7, 1, 0, 0, 0).WithSymbol("prog").WithSource(first),
            I(0xb7, 2, 0, 0, 0).WithSource(first),
            I(0xbf, 0, 1, 0, 0).WithSource(second),
            I(0x95, 0, 0, 0, 0).WithSource(blank),
            I(0xb7, 0, 0, 0, 1).WithSymbol("helper"),
            I(0x95, 0, 0, 0, 0),
        ];

        Assert.That(InstructionListing.Format(program), Does.Not.Contain(";").And.Not.Contain("prog:"));
        Assert.That(InstructionListing.Format(program, new InstructionListingOptions { Symbols = true, SourceLines = true }), Is.EqualTo(
            "prog:\n" +
            "; int x = 0;\n" +
            "   0: (b7) r1 = 0\n" +
            "   1: (b7) r2 = 0\n" +
            "; return x;\n" +
            "   2: (bf) r0 = r1\n" +
            "   3: (95) exit\n" +
            "helper:\n" +
            "   4: (b7) r0 = 1\n" +
            "   5: (95) exit\n"));

        var options = new InstructionListingOptions
        {
            Symbols = true,
            SymbolLabel = insn => insn.Symbol == "prog" ? "int prog(struct __sk_buff * skb)" : null,
            SourceLines = true,
            LineNumbers = true,
        };
        string[] lines = InstructionListing.Format(program, options).Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(lines[0], Is.EqualTo("int prog(struct __sk_buff * skb):"));
            Assert.That(lines[1], Is.EqualTo("; int x = 0; [file:prog.bpf.c line_num:10 line_col:6]"));
            Assert.That(lines[7], Is.EqualTo("helper:"));
        });
    }

    [Test]
    public void ReferenceNamerUsesMetadataReferences()
    {
        var namer = ReferenceInstructionNamer.Instance;
        var options = new InstructionListingOptions { Namer = namer };
        Instruction[] program =
        [
            I(0x18, 1, PseudoSource.MapFd, 0, 0).WithReference("events"),
            I(0x18, 2, PseudoSource.MapValue, 0, 16L << 32).WithReference(".data"),
            I(0x18, 3, PseudoSource.MapIndexValue, 0, (4L << 32) | 1).WithReference(".rodata"),
            I(0x18, 4, PseudoSource.MapIndex, 0, 2).WithReference("counts"),
            I(0x18, 2, PseudoSource.Func, 0, 7).WithReference("loop_cb"),
            I(0x18, 1, PseudoSource.BtfId, 0, 99).WithReference("bpf_prog_active"),
            I(0x18, 1, 0, 0, 42),
            I(0x85, 0, PseudoSource.Call, 0, 3).WithReference("sub"),
            I(0x85, 0, PseudoSource.Call, 0, -9),
            I(0x85, 0, PseudoSource.KfuncCall, 0, 0).WithReference("bpf_obj_new_impl"),
            I(0x85, 0, 0, 0, 1).WithReference("ignored"),
            I(0x95, 0, 0, 0, 0),
        ];

        Assert.That(InstructionListing.Format(program, options), Is.EqualTo(
            "   0: (18) r1 = map[events]\n" +
            "   2: (18) r2 = map[.data]+16\n" +
            "   4: (18) r3 = map[.rodata]+4\n" +
            "   6: (18) r4 = map[counts]\n" +
            "   8: (18) r2 = subprog[loop_cb]\n" +
            "  10: (18) r1 = bpf_prog_active\n" +
            "  12: (18) r1 = 0x2a\n" +
            "  14: (85) call pc+3#sub\n" +
            "  15: (85) call pc-9\n" +
            "  16: (85) call bpf_obj_new_impl#0\n" +
            "  17: (85) call bpf_map_lookup_elem#1\n" +
            "  18: (95) exit\n"));
    }

    [Test]
    public void XlatedNamerPrintsWhatBpftoolPrints()
    {
        var plain = new XlatedInstructionNamer();
        Assert.Multiple(() =>
        {
            Assert.That(InstructionFormatter.Format(I(0x18, 1, PseudoSource.MapFd, 0, 12), plain), Is.EqualTo("r1 = map[id:12]"));
            Assert.That(InstructionFormatter.Format(I(0x18, 1, PseudoSource.MapValue, 0, (8L << 32) | 12), plain), Is.EqualTo("r1 = map[id:12][0]+8"));
            Assert.That(InstructionFormatter.Format(I(0x18, 1, PseudoSource.MapIndexValue, 0, (8L << 32) | 2), plain), Is.EqualTo("r1 = map[idx:2]+8"));
            Assert.That(InstructionFormatter.Format(I(0x18, 2, PseudoSource.Func, 0, unchecked((int)0xc0de0000)), plain), Is.EqualTo("r2 = subprog[-1059192832]"));
            Assert.That(InstructionFormatter.Format(I(0x18, 2, PseudoSource.Func, 0, 5), plain), Is.EqualTo("r2 = subprog[+5]"));
            Assert.That(InstructionFormatter.Format(I(0x18, 1, PseudoSource.MapIndex, 0, 3), plain), Is.EqualTo("r1 = 0x3"));
            Assert.That(InstructionFormatter.Format(I(0x85, 0, 0, 0, 123456), plain), Is.EqualTo("call unknown#123456"));
        });

        const ulong callBase = 0xffffffff81000000;
        var symbols = new Dictionary<ulong, string> { [callBase + 0x1000] = "__htab_map_lookup_elem", [0xffffffffc0001000] = "bpf_prog_0123456789abcdef_sub" };
        var resolving = new XlatedInstructionNamer(callBase, a => symbols.GetValueOrDefault(a), [0xffffffffc0000000, 0xffffffffc0001000]);
        var notJited = new XlatedInstructionNamer(callBase, a => symbols.GetValueOrDefault(a));
        Assert.Multiple(() =>
        {
            Assert.That(InstructionFormatter.Format(I(0x85, 0, 0, 0, 0x1000), resolving), Is.EqualTo("call __htab_map_lookup_elem#4096"));
            Assert.That(InstructionFormatter.Format(I(0x85, 0, 0, 0, 0x2000), resolving), Is.EqualTo("call 0xffffffff81002000#8192"));
            Assert.That(InstructionFormatter.Format(I(0x85, 0, 0, 0, 5), resolving), Is.EqualTo("call bpf_ktime_get_ns#5"));
            Assert.That(InstructionFormatter.Format(I(0x85, 0, 1, 7, 1), resolving), Is.EqualTo("call pc+7#bpf_prog_0123456789abcdef_sub"));
            Assert.That(InstructionFormatter.Format(I(0x85, 0, 1, 7, 0), resolving), Is.EqualTo("call pc+7#0xffffffffc0000000"));
            Assert.That(InstructionFormatter.Format(I(0x85, 0, 1, -7, 1), notJited), Is.EqualTo("call pc-7"));
        });
    }
}
