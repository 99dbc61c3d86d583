using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Elf;

namespace Ebpf.Tests.Kernel;

/// <summary>
/// Builds a <see cref="ProgramSpec"/> from one program section of a test object with Ebpf.Elf and Ebpf.Btf only
/// (until the collection reader lands): decodes the section, applies its BTF.ext records (function names, source
/// lines). Sections must not call subprograms or use maps: nothing is linked or relocated.
/// </summary>
internal static class ElfProgramSpecs
{
    public static ProgramSpec Section(string objectName, string sectionName, BpfProgramType type, BpfAttachType? attachType = null)
    {
        var elf = ElfFile.Parse(File.ReadAllBytes(TestPrograms.Path(objectName)));
        var btf = BtfSpec.FromElf(elf);
        var section = elf.FindSection(sectionName) ?? throw new ArgumentException($"{objectName} has no section {sectionName}");
        var order = elf.ByteOrder == ElfByteOrder.BigEndian ? ByteOrder.BigEndian : ByteOrder.LittleEndian;
        var instructions = Instructions.Decode(section.Data.Span, order);
        BtfExtInfo.FromElf(elf, btf)?.Apply(sectionName, instructions);
        return new ProgramSpec
        {
            Name = instructions[0].Symbol ?? sectionName,
            Type = type,
            AttachType = attachType,
            SectionName = sectionName,
            Instructions = instructions,
            ByteOrder = order,
            Btf = btf,
        };
    }
}
