// Builds a BPF program two ways and prints both in the kernel verifier's syntax:
// 1. hello.bpf.c, compiled by the build (BpfProgram item) and read back from the ELF object;
// 2. the same counter written with the Ebpf.Asm builder.
using Ebpf.Asm;
using Ebpf.Elf;
using static Ebpf.Asm.Register;

string objectPath = Path.Combine(AppContext.BaseDirectory, "bpf", "hello.bpfel.o");
using (var elf = ElfFile.Open(objectPath))
{
    var section = elf.FindSection("tracepoint/syscalls/sys_enter_getpid")
        ?? throw new InvalidOperationException("program section missing from " + objectPath);
    var program = Instructions.Decode(section.Data.Span, ByteOrder.LittleEndian);
    Console.WriteLine($"{objectPath}: section {section.Name}, {program.Count} instructions");
    Console.WriteLine(InstructionListing.Format(program.AsSpan()));
}

var built = new Instructions
{
    Insn.Call(Helper.GetCurrentPidTgid).WithSymbol("count_getpid"),
    Insn.RSh.Imm(R0, 32),
    Insn.StoreMem(R10, -4, R0, AccessSize.Word),
    Insn.Mov.Reg(R2, R10),
    Insn.Add.Imm(R2, -4),
    Insn.LoadMapPtr(R1, "calls"),
    Insn.Call(Helper.MapLookupElem),
    Insn.JEq.Imm(R0, 0, "out"),
    Insn.Mov.Imm(R1, 1),
    Insn.AtomicAdd(R0, 0, R1),
    Insn.Mov.Imm(R0, 0).WithSymbol("out"),
    Insn.Exit(),
};
built.ResolveReferences();
Console.WriteLine("The same counter from the Ebpf.Asm builder:");
Console.WriteLine(InstructionListing.Format(built.AsSpan(), new InstructionListingOptions { Namer = ReferenceInstructionNamer.Instance, Symbols = true }));
