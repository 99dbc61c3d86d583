using Ebpf.Elf;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Benchmarks.Kernel;

/// <summary>
/// Loads one function of a compiled BPF object (bpf/X.bpfel.o beside the benchmarks) with the low-level API,
/// pointing its map references at maps the benchmark created.
/// </summary>
internal static unsafe class BenchmarkObjectLoader
{
    public static BpfFileDescriptor Load(IBpfSyscalls sys, string objectName, string function, BpfProgramType type,
        IReadOnlyDictionary<string, BpfFileDescriptor> maps)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "bpf", objectName + ".bpfel.o");
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
                if (relocation.Offset >= symbol.Value && relocation.Offset < symbol.Value + symbol.Size)
                {
                    int at = (int)(relocation.Offset - symbol.Value);
                    code[at + 1] = (byte)((code[at + 1] & 0x0f) | (1 << 4)); // BPF_PSEUDO_MAP_FD
                    BitConverter.TryWriteBytes(code.AsSpan(at + 4, 4), maps[table.GetSymbol(relocation).Name].DangerousGetFd());
                }
            }
        }

        fixed (byte* insns = code)
        fixed (byte* license = "GPL\0"u8)
        {
            var attr = new ProgLoadAttr
            {
                ProgType = type,
                InsnCnt = (uint)(code.Length / 8),
                Insns = (ulong)insns,
                License = (ulong)license,
            };
            return sys.ProgLoad(ref attr);
        }
    }

    public static BpfFileDescriptor CreateMap(IBpfSyscalls sys, BpfMapType type, uint keySize, uint valueSize, uint maxEntries) =>
        sys.MapCreate(new MapCreateAttr { MapType = type, KeySize = keySize, ValueSize = valueSize, MaxEntries = maxEntries });
}
