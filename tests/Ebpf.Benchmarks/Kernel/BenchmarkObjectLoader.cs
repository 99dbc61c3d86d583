using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;
using Ebpf.Tests.Shared;

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
        byte[] code = ElfFunctionCode.Read(path, function, maps);
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
