using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Kernel;

namespace Ebpf.Tests.Specs;

/// <summary>
/// Where our linked programs differ from the instructions libbpf loaded (<see cref="LibbpfObjects.LoadInstructions"/>):
/// same subprogram order, call offsets and map value offsets. Map file descriptors, kfunc and ksym BTF ids are what
/// libbpf resolved and are not compared; CO-RE relocations are applied with our <see cref="CoreRelocator"/> against
/// the running kernel's BTF first, so relocated instructions must match too.
/// </summary>
public static class LinkedInstructionDifference
{
    /// <summary>One line per differing program (its first differing instruction); empty when all agree.</summary>
    public static IReadOnlyList<string> Find(CollectionSpec spec, IReadOnlyDictionary<string, byte[]> loaded)
    {
        var differences = new List<string>();
        foreach (var (name, bytes) in loaded)
        {
            var expected = Instructions.Decode(bytes, ByteOrder.LittleEndian);
            var actual = new Instructions(spec.Programs[name].Instructions);
            if (spec.Programs[name].Btf is { } btf && actual.Any(i => i.Metadata?.Tag is CoreRelocation))
            {
                CoreRelocator.ForKernel(btf, KernelBtf.Shared).Apply(actual); // libbpf loaded them relocated too
            }

            if (actual.Count != expected.Count)
            {
                differences.Add($"{name}: {actual.Count} instructions, libbpf {expected.Count}");
                continue;
            }

            for (int i = 0; i < expected.Count; i++)
            {
                if (!Same(expected[i], actual[i], spec.Programs[name]))
                {
                    differences.Add($"{name}[{i}]: libbpf {expected[i]}, ours {actual[i]}");
                    break;
                }
            }
        }

        return differences;
    }

    private static bool Same(Instruction x, Instruction y, ProgramSpec program)
    {
        if (y.IsLoadFromMap)
        {
            return ((byte)y.Src, y.Constant >> 32) == ((byte)x.Src, x.Constant >> 32);
        }

        if (y.OpCode.IsLoadImm64 && (byte)y.Src == PseudoSource.BtfId && (byte)x.Src == 0)
        {
            // An absent weak ksym: libbpf wrote 0, our loader does the same at load time.
            return x.Constant == 0 && y.Reference is { } weak && program.WeakKernelSymbols.Contains(weak);
        }

        if (y.IsKfuncCall || (y.OpCode.IsLoadImm64 && (byte)y.Src == PseudoSource.BtfId))
        {
            return ((byte)y.Src, y.OpCode) == ((byte)x.Src, x.OpCode);
        }

        if (y.OpCode.IsLoadImm64 && (byte)y.Src == 0 && y.Reference is { } ksym
            && KernelSymbolAddresses.Find([ksym]).TryGetValue(ksym, out ulong address))
        {
            // A typeless ksym: libbpf put the address from /proc/kallsyms in; our loader does that at load time.
            return x.Constant == (long)address;
        }

        return y == x;
    }
}
