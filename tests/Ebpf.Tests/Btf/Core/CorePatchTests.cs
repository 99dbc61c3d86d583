using Ebpf.Asm;
using Ebpf.Btf;

namespace Ebpf.Tests.Btf;

/// <summary>Instruction patching by <see cref="CoreRelocator.Apply(Instructions)"/>: immediates, load/store offsets and
/// sizes, lddw constants, validation of the compiler's values, poisoning, and ambiguity between candidates.</summary>
public class CorePatchTests
{
    // local: struct task { int pid; unsigned int flags; long big; unsigned long ubig; }
    private static (BtfSpec Btf, uint Task, uint Color) Local()
    {
        var l = new CoreBtf();
        uint i = l.Int("int", 4, signed: true);
        uint u = l.Int("unsigned int", 4);
        uint lg = l.Int("long", 8, signed: true);
        uint ul = l.Int("unsigned long", 8);
        uint task = l.Struct("task", 24, ("pid", i, 0), ("flags", u, 32), ("big", lg, 64), ("ubig", ul, 128));
        uint color = l.Enum("color", 4, ("RED", 0), ("GONE", 99));
        return (l.Build(), task, color);
    }

    // target: struct task { long x; int pid; unsigned short flags; int big; unsigned int ubig; }
    private static (BtfSpec Btf, uint Task) Target()
    {
        var t = new CoreBtf();
        uint i = t.Int("int", 4, signed: true);
        uint u = t.Int("unsigned int", 4);
        uint us = t.Int("unsigned short", 2);
        uint lg = t.Int("long", 8, signed: true);
        uint task = t.Struct("task", 24, ("x", lg, 0), ("pid", i, 64), ("flags", us, 96), ("big", i, 128), ("ubig", u, 160));
        t.Enum("color", 4, ("RED", 3));
        return (t.Build(), task);
    }

    private static Instruction Tagged(Instruction instruction, uint typeId, string access, CoreRelocationKind kind) =>
        instruction.WithMetadata((instruction.Metadata ?? new InstructionMetadata()) with { Tag = new CoreRelocation(0, typeId, 0, access, kind) });

    [Test]
    public void PatchesImmediatesOffsetsSizesAndConstants()
    {
        var (local, task, color) = Local();
        var (target, targetTask) = Target();
        var program = new Instructions
        {
            Tagged(Insn.Mov.Imm(Register.R1, 4), task, "0:1", CoreRelocationKind.FieldByteOffset),
            Tagged(Insn.LoadMem(Register.R2, Register.R1, 4, AccessSize.Word), task, "0:1", CoreRelocationKind.FieldByteOffset),
            Tagged(Insn.LoadMem(Register.R3, Register.R1, 8, AccessSize.DWord), task, "0:2", CoreRelocationKind.FieldByteOffset),
            Tagged(Insn.LoadMem(Register.R4, Register.R1, 16, AccessSize.DWord), task, "0:3", CoreRelocationKind.FieldByteOffset),
            Tagged(Insn.LoadImm64(Register.R5, task), task, "0", CoreRelocationKind.TypeIdTarget),
            Tagged(Insn.LoadImm64(Register.R6, 99), color, "1", CoreRelocationKind.EnumValue),
            Tagged(Insn.StoreMem(Register.R1, 0, Register.R2, AccessSize.Word), task, "0:0", CoreRelocationKind.FieldByteOffset),
            Insn.Exit(),
        };
        int slots = program.SlotCount;

        var result = CoreRelocator.Apply(program, local, [target]);

        Assert.That(program[0].Immediate, Is.EqualTo(12));
        Assert.That((program[1].Offset, program[1].OpCode.Size), Is.EqualTo(((short)12, AccessSize.Half)), "unsigned field narrowed");
        Assert.That(CoreRelocationPoison.IsPoison(program[2]), Is.True, "signed 8-byte load of a 4-byte field");
        Assert.That((program[3].Offset, program[3].OpCode.Size), Is.EqualTo(((short)20, AccessSize.Word)));
        Assert.That(program[4].Constant, Is.EqualTo(targetTask));
        Assert.That(CoreRelocationPoison.IsPoison(program[5]) && CoreRelocationPoison.IsPoison(program[6]), Is.True, "both halves of the lddw");
        Assert.That((program[7].Offset, program[7].OpCode.Size), Is.EqualTo(((short)8, AccessSize.Word)));
        Assert.That(program[8].IsExit, Is.True);
        Assert.That(program.SlotCount, Is.EqualTo(slots), "jumps stay valid");
        Assert.That(result.Patches.Select(p => p.InstructionIndex), Is.EqualTo(new[] { 0, 1, 2, 3, 4, 5, 7 }));
        Assert.That(result.PoisonedCount, Is.EqualTo(2));
        Assert.That(result.Patches.Select(p => p.Poisoned), Is.EqualTo(new[] { false, false, true, false, false, true, false }));
        Assert.That(program[5].Metadata?.Tag, Is.InstanceOf<CoreRelocation>(), "the poison keeps its relocation");
    }

    [Test]
    public void CompilerValueMustMatchTheLocalLayout()
    {
        var (local, task, _) = Local();
        var (target, _) = Target();
        var alu = new Instructions { Tagged(Insn.Mov.Imm(Register.R1, 5), task, "0:1", CoreRelocationKind.FieldByteOffset) };
        var ex = Assert.Throws<CoreRelocationException>(() => CoreRelocator.Apply(alu, local, [target]));
        Assert.That(ex!.Message, Does.Contain("got 5, expected 4"));
        Assert.That(ex.InstructionIndex, Is.EqualTo(0));

        var ldx = new Instructions { Tagged(Insn.LoadMem(Register.R2, Register.R1, 0, AccessSize.Word), task, "0:1", CoreRelocationKind.FieldByteOffset) };
        Assert.Throws<CoreRelocationException>(() => CoreRelocator.Apply(ldx, local, [target]));

        var size = new Instructions { Tagged(Insn.LoadMem(Register.R2, Register.R1, 4, AccessSize.Byte), task, "0:1", CoreRelocationKind.FieldByteOffset) };
        Assert.That(Assert.Throws<CoreRelocationException>(() => CoreRelocator.Apply(size, local, [target]))!.Message, Does.Contain("memory size"));

        var register = new Instructions { Tagged(Insn.Mov.Reg(Register.R1, Register.R2), task, "0:1", CoreRelocationKind.FieldByteOffset) };
        Assert.Throws<CoreRelocationException>(() => CoreRelocator.Apply(register, local, [target]));

        var jump = new Instructions { Tagged(Insn.Exit(), task, "0:1", CoreRelocationKind.FieldByteOffset) };
        Assert.Throws<CoreRelocationException>(() => CoreRelocator.Apply(jump, local, [target]));
    }

    [Test]
    public void OffsetTooBigForALoad()
    {
        var (local, task, _) = Local();
        var t = new CoreBtf();
        uint i = t.Int("int", 4, signed: true);
        t.Struct("task", 40000, ("pid", i, 39000 * 8));
        var ldx = new Instructions { Tagged(Insn.LoadMem(Register.R2, Register.R1, 0, AccessSize.Word), task, "0:0", CoreRelocationKind.FieldByteOffset) };
        Assert.That(Assert.Throws<CoreRelocationException>(() => CoreRelocator.Apply(ldx, local, [t.Build()]))!.Message, Does.Contain("does not fit"));

        var alu = new Instructions { Tagged(Insn.Mov.Imm(Register.R1, 0), task, "0:0", CoreRelocationKind.FieldByteOffset) };
        CoreRelocator.Apply(alu, local, [t.Build()]);
        Assert.That(alu[0].Immediate, Is.EqualTo(39000), "an ALU immediate takes it");
    }

    [Test]
    public void PoisonIsDescribedWithItsSourceLine()
    {
        var (local, task, _) = Local();
        var t = new CoreBtf();
        t.Struct("task", 0);
        var program = new Instructions
        {
            Insn.Mov.Imm(Register.R0, 0),
            Tagged(Insn.LoadImm64(Register.R1, 0), task, "0:1", CoreRelocationKind.FieldByteOffset),
            Tagged(Insn.LoadMem(Register.R2, Register.R1, 4, AccessSize.Word), task, "0:1", CoreRelocationKind.FieldByteOffset)
                .WithSource(new SourceLine("/src/prog.bpf.c", "\tr = t->flags;", 42, 7)),
            Insn.Exit(),
        };

        CoreRelocator.Apply(program, local, [t.Build()]);

        Assert.That(CoreRelocationPoison.Describe(program, 0), Is.Null);
        string? message = CoreRelocationPoison.Describe(program, 3, local);
        TestContext.Out.WriteLine(message);
        Assert.That(message, Does.StartWith("bad CO-RE relocation FieldByteOffset of [5] Struct 'task' access '0:1' at instruction 3 (slot 3)"));
        Assert.That(message, Does.EndWith("/src/prog.bpf.c:42:7: r = t->flags;"));
        Assert.That(CoreRelocationPoison.DescribeSlot(program, 3), Is.EqualTo(CoreRelocationPoison.Describe(program, 3)));
        Assert.That(CoreRelocationPoison.DescribeSlot(program, 2), Does.StartWith("bad CO-RE relocation at instruction 2"), "second half of the lddw");
        Assert.That(CoreRelocationPoison.DescribeSlot(program, 99), Is.Null);
        Assert.That(program[3].Helper, Is.EqualTo((Helper)0xbad2310));
    }

    [Test]
    public void VerifierLogOfAReachablePoisonIsExplained()
    {
        var (local, task, _) = Local();
        var t = new CoreBtf();
        t.Struct("task", 0);
        var program = new Instructions
        {
            Insn.Mov.Imm(Register.R0, 0),
            Tagged(Insn.Mov.Imm(Register.R1, 4), task, "0:1", CoreRelocationKind.FieldByteOffset),
            Insn.Exit(),
        };
        CoreRelocator.Apply(program, local, [t.Build()]);

        // what the kernel prints at log level 1 when it reaches the poison call
        const string log = "0: R1=ctx() R10=fp0\n0: (b7) r0 = 0                       ; R0_w=0\n1: (85) call unknown#195896080\ninvalid func unknown#195896080\nprocessed 2 insns\n";
        Assert.That(CoreRelocationPoison.ExplainVerifierLog(log, program, local), Does.StartWith("bad CO-RE relocation FieldByteOffset of [5] Struct 'task' access '0:1' at instruction 1"));
        Assert.That(CoreRelocationPoison.ExplainVerifierLog("invalid func unknown#195896080\n", program), Does.StartWith("bad CO-RE relocation FieldByteOffset"));
        Assert.That(CoreRelocationPoison.ExplainVerifierLog("R1 invalid mem access 'scalar'\n", program), Is.Null);
    }

    [Test]
    public void CandidatesDisagreeingOnTheOffsetAreAnError()
    {
        var (local, task, _) = Local();
        var t = new CoreBtf();
        uint i = t.Int("int", 4, signed: true);
        t.Struct("task", 8, ("pid", i, 0));
        t.Struct("task___v2", 8, ("x", i, 0), ("pid", i, 32));
        var ex = Assert.Throws<CoreRelocationException>(() =>
            new CoreRelocator(local, [t.Build()]).Resolve(new CoreRelocation(0, task, 0, "0:0", CoreRelocationKind.FieldByteOffset)));
        Assert.That(ex!.Message, Does.Contain("field offset ambiguity"));
    }

    [Test]
    public void CandidatesDisagreeingOnTheValueAreAnError()
    {
        var (local, task, _) = Local();
        var t = new CoreBtf();
        uint i = t.Int("int", 4, signed: true);
        uint lg = t.Int("long", 8, signed: true);
        t.Struct("task", 8, ("pid", i, 0));
        t.Struct("task___v2", 8, ("pid", lg, 0));
        var relocator = new CoreRelocator(local, [t.Build()]);
        Assert.That(relocator.Resolve(new CoreRelocation(0, task, 0, "0:0", CoreRelocationKind.FieldByteOffset)).NewValue, Is.EqualTo(0), "same offset: fine");
        var ex = Assert.Throws<CoreRelocationException>(() => relocator.Resolve(new CoreRelocation(0, task, 0, "0:0", CoreRelocationKind.FieldByteSize)));
        Assert.That(ex!.Message, Does.Contain("relocation decision ambiguity"));
    }

    [Test]
    public void CandidatesThatAgreeAreFine()
    {
        var (local, task, _) = Local();
        var t = new CoreBtf();
        uint i = t.Int("int", 4, signed: true);
        t.Struct("task", 8, ("pid", i, 32));
        t.Struct("task___v2", 8, ("y", i, 0), ("pid", i, 32));
        t.Struct("task___v3", 8, ("y", i, 0));     // no pid: not a match, not a conflict
        var outcome = new CoreRelocator(local, [t.Build()]).Resolve(new CoreRelocation(0, task, 0, "0:0", CoreRelocationKind.FieldByteOffset));
        Assert.That((outcome.NewValue, outcome.Poison), Is.EqualTo((4UL, false)));
    }
}
