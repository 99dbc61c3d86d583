using Ebpf.Asm;
using Ebpf.Btf;

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
                if (!Same(expected[i], actual[i]))
                {
                    differences.Add($"{name}[{i}]: libbpf {expected[i]}, ours {actual[i]}");
                    break;
                }
            }
        }

        return differences;
    }

    private static bool Same(Instruction x, Instruction y)
    {
        if (y.IsLoadFromMap)
        {
            return ((byte)y.Src, y.Constant >> 32) == ((byte)x.Src, x.Constant >> 32);
        }

        if (y.IsKfuncCall || (y.OpCode.IsLoadImm64 && (byte)y.Src == PseudoSource.BtfId))
        {
            return ((byte)y.Src, y.OpCode) == ((byte)x.Src, x.OpCode);
        }

        return y == x;
    }
}
