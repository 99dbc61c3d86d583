using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Kernel;
using Ebpf.Tests.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Btf;

/// <summary>A reachable poisoned relocation makes the real verifier fail on helper 0xbad2310, and the log is turned
/// into a "bad CO-RE relocation" message naming the relocation and the source line.</summary>
[Category("Kernel")]
public class CorePoisonKernelTests
{
    [Test]
    public void VerifierRejectionIsExplained()
    {
        var l = new CoreBtf();
        uint i = l.Int("int", 4, signed: true);
        uint task = l.Struct("task_struct", 8, ("no_such_field_here", i, 0));
        var local = l.Build();
        var kernel = BtfSpec.Parse(BtfTestData.KernelBytes());
        var program = new Instructions
        {
            Insn.Mov.Imm(Register.R0, 0)
                .WithMetadata(new InstructionMetadata
                {
                    Tag = new CoreRelocation(0, task, 0, "0:0", CoreRelocationKind.FieldByteOffset),
                    Source = new SourceLine("prog.bpf.c", "return t->no_such_field_here;", 12, 2),
                }),
            Insn.Exit(),
        };
        CoreRelocator.Apply(program, local, [kernel]);
        Assert.That(CoreRelocationPoison.IsPoison(program[0]), Is.True);

        var log = new byte[64 * 1024];
        var e = Assert.Throws<EbpfVerifierException>(() =>
            KernelPrograms.LoadSocketFilter(LinuxBpfSyscalls.Instance, program.Encode(ByteOrder.LittleEndian), log).Dispose())!;
        TestContext.Out.WriteLine(e.Log);
        string? message = CoreRelocationPoison.ExplainVerifierLog(e.Log, program, local);
        Assert.That(message, Is.EqualTo(
            "bad CO-RE relocation FieldByteOffset of [2] Struct 'task_struct' access '0:0' at instruction 0 (slot 0), prog.bpf.c:12:2: return t->no_such_field_here;"));
    }
}
