using Ebpf.Elf;
using Ebpf.Kernel;

namespace Ebpf.Tests.Shared;

/// <summary>
/// The instructions of one function of a compiled BPF object, for loading with the low-level API: copied out of the
/// ELF with each map reference (an ld_imm64 relocated against a map symbol) pointed at a map the caller created.
/// Compiled into the test and benchmark projects.
/// </summary>
internal static class ElfFunctionCode
{
    private const byte PseudoMapFd = 1;

    /// <summary>Reads <paramref name="function"/> of the object at <paramref name="path"/>, its map references resolved in <paramref name="maps"/>.</summary>
    /// <exception cref="ArgumentException">The object has no such function, or it refers to a map missing from <paramref name="maps"/>.</exception>
    public static byte[] Read(string path, string function, IReadOnlyDictionary<string, BpfFileDescriptor> maps)
    {
        using var elf = ElfFile.Open(path);
        if (!elf.Symbols.TryFind(function, out var symbol) || symbol.Type != ElfSymbolType.Function)
        {
            throw new ArgumentException($"{path} has no function {function}", nameof(function));
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
                    throw new ArgumentException($"{function} refers to {name}, which the caller did not create", nameof(maps));
                }

                int at = (int)(relocation.Offset - symbol.Value);
                code[at + 1] = (byte)((code[at + 1] & 0x0f) | (PseudoMapFd << 4));
                BitConverter.TryWriteBytes(code.AsSpan(at + 4, 4), map.DangerousGetFd());
            }
        }

        return code;
    }
}
