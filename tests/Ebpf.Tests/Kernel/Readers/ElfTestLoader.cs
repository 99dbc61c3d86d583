using Ebpf.Elf;
using Ebpf.Kernel;

namespace Ebpf.Tests.Kernel.Readers;

/// <summary>
/// Loads one function of a compiled test object (tests/bpf) with the low-level API: copies its instructions out of
/// the ELF and points each map reference (an ld_imm64 relocated against a map symbol) at a map the test created.
/// </summary>
internal static class ElfTestLoader
{
    private const byte PseudoMapFd = 1;

    public static BpfFileDescriptor Load(IBpfSyscalls sys, string objectName, string function, BpfProgramType type,
        IReadOnlyDictionary<string, BpfFileDescriptor> maps)
    {
        using var elf = ElfFile.Open(TestPrograms.Path(objectName));
        if (!elf.Symbols.TryFind(function, out var symbol) || symbol.Type != ElfSymbolType.Function)
        {
            throw new ArgumentException($"{objectName} has no function {function}", nameof(function));
        }

        var section = elf.GetSection(symbol.SectionIndex);
        byte[] code = section.Data.Slice((int)symbol.Value, (int)symbol.Size).ToArray();
        foreach (var table in elf.RelocationTables)
        {
            if (table.TargetSection?.Index != section.Index)
            {
                continue;
            }

            foreach (var relocation in table)
            {
                if (relocation.Offset < symbol.Value || relocation.Offset >= symbol.Value + symbol.Size)
                {
                    continue;
                }

                string name = table.GetSymbol(relocation).Name;
                if (!maps.TryGetValue(name, out var map))
                {
                    throw new ArgumentException($"{function} refers to {name}, which the test did not create", nameof(maps));
                }

                int at = (int)(relocation.Offset - symbol.Value);
                code[at + 1] = (byte)((code[at + 1] & 0x0f) | (PseudoMapFd << 4));
                BitConverter.TryWriteBytes(code.AsSpan(at + 4, 4), map.DangerousGetFd());
            }
        }

        var log = new byte[1 << 20];
        return KernelPrograms.LoadProgram(sys, type, code, log, function.Length > 15 ? function[..15] : function);
    }
}
