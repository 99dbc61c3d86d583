using Ebpf.Asm;

namespace Ebpf.Tests.Asm;

using static global::Ebpf.Asm.Register;

public class InstructionsTests
{
    [Test]
    public void ForwardJumpResolvesToDistanceFromNextInstruction()
    {
        var prog = new Instructions
        {
            Insn.Mov.Imm(R0, 0),
            Insn.JEq.Imm(R1, 0, "out"),
            Insn.Mov.Imm(R0, 1),
            Insn.Exit().WithSymbol("out"),
        };

        prog.ResolveReferences();

        Assert.That(prog[1].Offset, Is.EqualTo(1));
        Assert.That(prog[1].Reference, Is.EqualTo("out"), "metadata survives resolution");
        Assert.That(Convert.ToHexString(prog.Encode(ByteOrder.LittleEndian)), Is.EqualTo(
            "B700000000000000" + "1501010000000000" + "B700000001000000" + "9500000000000000"));
    }

    [Test]
    public void BackwardJumpCountsTheSecondSlotOfLddw()
    {
        var prog = new Instructions
        {
            Insn.LoadImm64(R1, 1L << 40).WithSymbol("loop"), // slots 0-1
            Insn.Add.Imm(R1, -1),                            // slot 2
            Insn.JNE.Imm(R1, 0, "loop"),                     // slot 3: 0 - (3 + 1) = -4
            Insn.Exit(),
        };

        prog.ResolveReferences();

        Assert.That(prog[2].Offset, Is.EqualTo(-4));
        Assert.That(prog.SlotCount, Is.EqualTo(5));
    }

    [Test]
    public void Jump32AndMayGotoResolveTheirOffset()
    {
        var prog = new Instructions
        {
            Insn.MayGoto("done"),
            Insn.JSGT.Reg32(R1, R2, "done"),
            Insn.Mov.Imm32(R0, 1),
            Insn.Exit().WithSymbol("done"),
        };

        prog.ResolveReferences();

        Assert.That(prog[0].Offset, Is.EqualTo(2));
        Assert.That(prog[0].Constant, Is.Zero);
        Assert.That(prog[1].Offset, Is.EqualTo(1));
    }

    [Test]
    public void GotolPutsTheDistanceInTheImmediate()
    {
        var prog = new Instructions { Insn.JaLong("end") };
        for (int i = 0; i < 40_000; i++)
        {
            prog.Add(Insn.Mov.Imm(R0, i));
        }

        prog.Add(Insn.Exit().WithSymbol("end"));
        byte[] bytes = prog.Encode(ByteOrder.LittleEndian);

        Assert.That(bytes.AsSpan(0, 8).ToArray(), Is.EqualTo(Bytes.Hex("06 00 0000 409c0000")));
        Assert.That(prog[0].Constant, Is.Zero, "Encode does not change the list");
    }

    [Test]
    public void JumpBeyondSixteenBitsIsReported()
    {
        var prog = new Instructions { Insn.Ja("end") };
        for (int i = 0; i < 40_000; i++)
        {
            prog.Add(Insn.Mov.Imm(R0, i));
        }

        prog.Add(Insn.Exit().WithSymbol("end"));

        var e = Assert.Throws<InstructionReferenceException>(() => prog.Encode(ByteOrder.LittleEndian))!;
        Assert.That(e.Error, Is.EqualTo(ReferenceError.OutOfRange));
        Assert.That(e.Symbol, Is.EqualTo("end"));
        Assert.That(e.SlotOffset, Is.Zero);
        Assert.Throws<InstructionReferenceException>(prog.ResolveReferences);
    }

    [Test]
    public void LongestSixteenBitJumpsStillFit()
    {
        var forward = new Instructions { Insn.Ja("end") };
        for (int i = 0; i < short.MaxValue; i++)
        {
            forward.Add(Insn.Mov.Imm(R0, 0));
        }

        forward.Add(Insn.Exit().WithSymbol("end"));
        forward.ResolveReferences();
        Assert.That(forward[0].Offset, Is.EqualTo(short.MaxValue));

        forward.Insert(1, Insn.Mov.Imm(R0, 0));
        Assert.That(Assert.Throws<InstructionReferenceException>(forward.ResolveReferences)!.Error, Is.EqualTo(ReferenceError.OutOfRange));
    }

    [Test]
    public void BpfToBpfCallAndFunctionPointerGetRelativeImmediates()
    {
        var prog = new Instructions
        {
            Insn.LoadFunctionPointer(R2, "callback").WithSymbol("main"), // slots 0-1: 6 - 0 - 1 = 5
            Insn.Mov.Imm(R1, 1),                                         // 2
            Insn.CallFunction("helper"),                                 // 3: 5 - 3 - 1 = 1
            Insn.Exit(),                                                 // 4
            Insn.Mov.Reg(R0, R1).WithSymbol("helper"),                   // 5
            Insn.Mov.Imm(R0, 0).WithSymbol("callback"),                  // 6
            Insn.Exit(),                                                 // 7
        };

        prog.ResolveReferences();

        Assert.That(prog[0].Constant, Is.EqualTo(5));
        Assert.That(prog[2].Constant, Is.EqualTo(1));
        Assert.That(prog.FunctionReferences, Is.EqualTo(new[] { "callback", "helper" }));
        byte[] bytes = prog.Encode(ByteOrder.LittleEndian);
        Assert.That(bytes.AsSpan(0, 16).ToArray(), Is.EqualTo(Bytes.Hex("18 42 0000 05000000 00 00 0000 00000000")));
        Assert.That(bytes.AsSpan(24, 8).ToArray(), Is.EqualTo(Bytes.Hex("85 10 0000 01000000")));
    }

    [Test]
    public void BackwardFunctionPointerKeepsTheSecondSlotZero()
    {
        var prog = new Instructions
        {
            Insn.Mov.Imm(R0, 0).WithSymbol("cb"),  // 0
            Insn.Exit(),                           // 1
            Insn.LoadFunctionPointer(R2, "cb"),    // 2-3: 0 - 2 - 1 = -3
            Insn.CallFunction("cb"),               // 4: 0 - 4 - 1 = -5
            Insn.Exit(),
        };

        foreach (var order in new[] { ByteOrder.LittleEndian, ByteOrder.BigEndian })
        {
            byte[] bytes = prog.Encode(order);
            var back = Instructions.Decode(bytes, order);
            Assert.That(back[2].Immediate, Is.EqualTo(-3));
            Assert.That(back[2].Constant >> 32, Is.Zero);
            Assert.That(back[3].Constant, Is.EqualTo(-5));
        }

        Assert.That(prog.Encode(ByteOrder.LittleEndian).AsSpan(16, 24).ToArray(), Is.EqualTo(Bytes.Hex("18 42 0000 fdffffff 00 00 0000 00000000 85 10 0000 fbffffff")));
    }

    [Test]
    public void OtherReferencesAreLeftForTheLoader()
    {
        var prog = new Instructions
        {
            Insn.LoadMapPtr(R1, "counts"),
            Insn.LoadMapValue(R2, ".rodata", 8),
            Insn.CallKfunc("bpf_rcu_read_lock"),
            Insn.Call(Helper.MapLookupElem).WithReference("not-a-label"),
            Insn.Exit(),
        };

        prog.ResolveReferences();

        Assert.That(prog[0].Constant, Is.Zero);
        Assert.That(prog[1].Constant, Is.EqualTo(8L << 32));
        Assert.That(prog[2].Constant, Is.Zero);
        Assert.That(prog[3].Helper, Is.EqualTo(Helper.MapLookupElem));
        Assert.That(prog.FunctionReferences, Is.Empty);
        Assert.That(prog.ReferenceOffsets().Keys, Is.EquivalentTo(new[] { "counts", ".rodata", "bpf_rcu_read_lock", "not-a-label" }));
    }

    [Test]
    public void UnknownLabelIsReported()
    {
        var prog = new Instructions { Insn.Mov.Imm(R0, 0), Insn.JEq.Imm(R0, 0, "nowhere"), Insn.Exit() };

        var e = Assert.Throws<InstructionReferenceException>(prog.ResolveReferences)!;
        Assert.That(e.Error, Is.EqualTo(ReferenceError.UnknownSymbol));
        Assert.That(e.Symbol, Is.EqualTo("nowhere"));
        Assert.That(e.SlotOffset, Is.EqualTo(1));
        Assert.That(e.Message, Does.Contain("nowhere"));
        Assert.That(e, Is.InstanceOf<FormatException>());
        Assert.Throws<InstructionReferenceException>(() => prog.Encode(ByteOrder.LittleEndian));
    }

    [Test]
    public void UnknownFunctionIsReported()
    {
        var prog = new Instructions { Insn.CallFunction("missing"), Insn.Exit() };
        var e = Assert.Throws<InstructionReferenceException>(prog.ResolveReferences)!;
        Assert.That(e.Error, Is.EqualTo(ReferenceError.UnknownSymbol));
        Assert.That(e.Symbol, Is.EqualTo("missing"));
    }

    [Test]
    public void DuplicateSymbolIsReported()
    {
        var prog = new Instructions
        {
            Insn.Mov.Imm(R0, 0).WithSymbol("x"),
            Insn.Ja("x"),
            Insn.Exit().WithSymbol("x"),
        };

        var e = Assert.Throws<InstructionReferenceException>(prog.ResolveReferences)!;
        Assert.That(e.Error, Is.EqualTo(ReferenceError.DuplicateSymbol));
        Assert.That(e.Symbol, Is.EqualTo("x"));
        Assert.That(e.SlotOffset, Is.EqualTo(2));
        Assert.Throws<InstructionReferenceException>(() => prog.SymbolOffsets());
    }

    [Test]
    public void ResolvingAgainAfterAnEditFollowsTheLabels()
    {
        var prog = new Instructions { Insn.Ja("end"), Insn.Mov.Imm(R0, 0), Insn.Exit().WithSymbol("end") };
        prog.ResolveReferences();
        Assert.That(prog[0].Offset, Is.EqualTo(1));

        prog.Insert(1, Insn.LoadImm64(R1, 0));
        prog.ResolveReferences();
        Assert.That(prog[0].Offset, Is.EqualTo(3));
    }

    [Test]
    public void ReplacingAnInstructionKeepsSlotOffsetsRight()
    {
        var prog = new Instructions { Insn.Mov.Imm(R0, 0), Insn.Mov.Imm(R1, 1), Insn.Exit() };
        Assert.That(prog.IndexOfSlot(2), Is.EqualTo(2));
        prog[1] = Insn.Mov.Imm(R1, 2); // same width: offsets unchanged
        Assert.That(prog.IndexOfSlot(2), Is.EqualTo(2));
        prog[0] = Insn.LoadImm64(R2, 5); // wider: everything after moves one slot
        Assert.That(prog.IndexOfSlot(2), Is.EqualTo(1));
        Assert.That(prog.IndexOfSlot(3), Is.EqualTo(2));
        prog[0] = Insn.Mov.Imm(R0, 0); // narrower again
        Assert.That(prog.IndexOfSlot(2), Is.EqualTo(2));
    }

    [Test]
    public void SlotLookupsCountLddwAsTwo()
    {
        var prog = new Instructions
        {
            Insn.Mov.Imm(R0, 0).WithSymbol("entry"),
            Insn.LoadMapPtr(R1, "m"),
            Insn.Call(Helper.MapLookupElem),
            Insn.LoadImm64(R2, 5),
            Insn.Exit().WithSymbol("out"),
        };

        Assert.That(prog.Count, Is.EqualTo(5));
        Assert.That(prog.SlotCount, Is.EqualTo(7));
        Assert.That(prog.ByteCount, Is.EqualTo(56));
        Assert.That(Enumerable.Range(0, 6).Select(prog.SlotOffsetOf), Is.EqualTo(new[] { 0, 1, 3, 4, 6, 7 }));
        Assert.That(prog.IndexOfSlot(3), Is.EqualTo(2));
        Assert.That(prog.IndexOfSlot(2), Is.EqualTo(-1), "second half of lddw");
        Assert.That(prog.IndexOfSlot(7), Is.EqualTo(-1));
        Assert.That(prog.AtSlot(3).Helper, Is.EqualTo(Helper.MapLookupElem));
        Assert.That(prog.TryGetAtSlot(5, out _), Is.False);
        Assert.Throws<ArgumentOutOfRangeException>(() => prog.AtSlot(2));
        Assert.That(prog.SymbolOffsets(), Is.EquivalentTo(new Dictionary<string, int> { ["entry"] = 0, ["out"] = 6 }));
        Assert.That(prog.ReferenceOffsets()["m"], Is.EqualTo(new[] { 1 }));

        var seen = new List<(int, int)>();
        foreach (InstructionSlot slot in prog.WithSlots())
        {
            Assert.That(slot.Instruction, Is.EqualTo(prog[slot.Index]));
            Assert.That(slot.ByteOffset, Is.EqualTo(slot.SlotOffset * 8));
            seen.Add((slot.Index, slot.SlotOffset));
        }

        Assert.That(seen, Is.EqualTo(new[] { (0, 0), (1, 1), (2, 3), (3, 4), (4, 6) }));
        Assert.That(prog.WithSlots().Count(), Is.EqualTo(5), "LINQ over the enumerator starts afresh");

        prog.RemoveAt(1);
        Assert.That(prog.SlotCount, Is.EqualTo(5));
        Assert.That(prog.AtSlot(1).Helper, Is.EqualTo(Helper.MapLookupElem));
        prog[0] = Insn.LoadImm64(R0, 0);
        Assert.That(prog.SlotOffsetOf(1), Is.EqualTo(2));
    }

    [TestCase(ByteOrder.LittleEndian)]
    [TestCase(ByteOrder.BigEndian)]
    public void EncodeDecodeRoundTrips(ByteOrder order)
    {
        var prog = SampleProgram();
        byte[] bytes = prog.Encode(order);
        Assert.That(bytes, Has.Length.EqualTo(prog.ByteCount));

        var back = Instructions.Decode(bytes, order);
        prog.ResolveReferences();

        Assert.That(back, Is.EqualTo(prog));
        Assert.That(back.Select(i => i.Metadata), Is.All.Null, "decoding attaches nothing");
        Assert.That(back.Encode(order), Is.EqualTo(bytes));

        var span = new byte[bytes.Length + 8];
        Assert.That(prog.Encode(span, order), Is.EqualTo(bytes.Length));
        Assert.That(span.AsSpan(0, bytes.Length).ToArray(), Is.EqualTo(bytes));
    }

    [Test]
    public void HandAssembledCounterMatchesCompilerOutput()
    {
        // What clang -target bpfel emits for a per-key counter in XDP, with the map fd pseudo source set
        // (llvm-objdump shows the same bytes after libbpf's relocation, with fd 0).
        byte[] expected = Bytes.Hex(
            "b701000000000000" + // r1 = 0
            "631afcff00000000" + // *(u32 *)(r10 - 4) = r1
            "bfa2000000000000" + // r2 = r10
            "07020000fcffffff" + // r2 += -4
            "1811000000000000" + "0000000000000000" + // r1 = map ll
            "8500000001000000" + // call bpf_map_lookup_elem
            "1500020000000000" + // if r0 == 0 goto +2
            "b701000001000000" + // r1 = 1
            "db10000000000000" + // lock *(u64 *)(r0 + 0) += r1
            "b700000002000000" + // r0 = XDP_PASS
            "9500000000000000"); // exit

        byte[] actual = SampleProgram().Encode(ByteOrder.LittleEndian);

        Assert.That(Convert.ToHexString(actual), Is.EqualTo(Convert.ToHexString(expected)));
        Assert.That(Convert.ToHexString(SampleProgram().Encode(ByteOrder.BigEndian)), Is.EqualTo(Convert.ToHexString(Bytes.SwapSlots(expected))));
    }

    [Test]
    public void DecodeRejectsBadLengthsWithTheByteOffset()
    {
        var e = Assert.Throws<InstructionFormatException>(() => Instructions.Decode(new byte[12], ByteOrder.LittleEndian))!;
        Assert.That(e.Offset, Is.EqualTo(8));

        byte[] truncatedLddw = Bytes.Hex("9500000000000000 1801000001000000");
        e = Assert.Throws<InstructionFormatException>(() => Instructions.Decode(truncatedLddw, ByteOrder.LittleEndian))!;
        Assert.That(e.Offset, Is.EqualTo(8));

        byte[] badSecondSlot = Bytes.Hex("1801000001000000 0100000000000000");
        e = Assert.Throws<InstructionFormatException>(() => Instructions.Decode(badSecondSlot, ByteOrder.BigEndian))!;
        Assert.That(e.Offset, Is.Zero);

        Assert.That(Instructions.Decode([], ByteOrder.LittleEndian), Is.Empty);
    }

    [Test]
    public void EncodeReportsTheByteOffsetOfABadInstruction()
    {
        var prog = new Instructions
        {
            Insn.Mov.Imm(R0, 0),
            new Instruction(new OpCode(0xb7), R0, R0, 0, 1L << 40),
        };

        var e = Assert.Throws<InstructionFormatException>(() => prog.Encode(ByteOrder.LittleEndian))!;
        Assert.That(e.Offset, Is.EqualTo(8));
        Assert.Throws<InstructionFormatException>(() => prog.Encode(new byte[8], ByteOrder.LittleEndian));
    }

    [Test]
    public void BehavesAsAList()
    {
        var prog = new Instructions(SampleProgram().Take(3)) { Insn.Exit() };
        IList<Instruction> list = prog;

        Assert.That(list, Has.Count.EqualTo(4));
        Assert.That(list.IndexOf(Insn.Exit()), Is.EqualTo(3));
        Assert.That(list.Contains(Insn.Mov.Reg(R2, R10)), Is.True);
        Assert.That(list.Remove(Insn.Mov.Reg(R2, R10)), Is.True);
        Assert.That(prog.AsSpan().Length, Is.EqualTo(3));

        var copy = new Instruction[3];
        prog.CopyTo(copy, 0);
        Assert.That(copy, Is.EqualTo(prog.ToArray()));

        prog.AddRange([Insn.Exit(), Insn.Exit()]);
        Assert.That(prog.SlotCount, Is.EqualTo(5));
        prog.Clear();
        Assert.That(prog.SlotCount, Is.Zero);
        Assert.That(prog.Encode(ByteOrder.LittleEndian), Is.Empty);
        Assert.That(new Instructions(16), Is.Empty);
    }

    [Test]
    public void ToStringListsSlotsAndLabels()
    {
        string text = SampleProgram().ToString();
        Assert.That(text, Does.Contain("out:\n"));
        Assert.That(text.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(12));
        Assert.That(text, Does.Contain("    7: "));
    }

    private static Instructions SampleProgram() => new()
    {
        Insn.Mov.Imm(R1, 0),
        Insn.StoreMem(R10, -4, R1, AccessSize.Word),
        Insn.Mov.Reg(R2, R10),
        Insn.Add.Imm(R2, -4),
        Insn.LoadMapPtr(R1, "counts"),
        Insn.Call(Helper.MapLookupElem),
        Insn.JEq.Imm(R0, 0, "out"),
        Insn.Mov.Imm(R1, 1),
        Insn.AtomicAdd(R0, 0, R1),
        Insn.Mov.Imm(R0, 2).WithSymbol("out"),
        Insn.Exit(),
    };
}
