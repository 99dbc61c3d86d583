using Ebpf.Btf;
using Ebpf.Elf;

namespace Ebpf.Fuzz;

/// <summary>Finds the real inputs each target starts from: our compiled test objects, their BTF and code, and kernel BTF.</summary>
public static class FuzzSeeds
{
    /// <summary>The compiled test objects beside this assembly (<c>bpf/*.o</c>, both byte orders).</summary>
    public static string ObjectDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "bpf");

    /// <summary>Seeds for <paramref name="target"/>, sorted by name so runs are repeatable.</summary>
    /// <param name="target">A target name from <see cref="FuzzTargets"/>.</param>
    /// <param name="includeVmlinux">Whether the running kernel's BTF is a <c>btf</c> seed (5 MB: slower inputs).</param>
    public static IReadOnlyList<FuzzSeed> For(string target, bool includeVmlinux = false)
    {
        var objects = Directory.Exists(ObjectDirectory)
            ? Directory.EnumerateFiles(ObjectDirectory, "*.o").Order(StringComparer.Ordinal).ToArray()
            : [];
        var seeds = new List<FuzzSeed>();
        switch (target)
        {
            case "elf" or "object-btf" or "specs":
                seeds.AddRange(objects.Select(o => new FuzzSeed(Path.GetFileName(o), File.ReadAllBytes(o))));
                break;
            case "btf":
                foreach (var o in objects)
                {
                    using var elf = ElfFile.Open(o);
                    if (elf.FindSection(BtfSpec.ElfSectionName) is { } section)
                    {
                        seeds.Add(new FuzzSeed(Path.GetFileName(o) + ":.BTF", section.Data.ToArray()));
                    }
                }

                if (includeVmlinux && File.Exists("/sys/kernel/btf/vmlinux"))
                {
                    seeds.Add(new FuzzSeed("vmlinux", File.ReadAllBytes("/sys/kernel/btf/vmlinux")));
                }

                break;
            case "asm":
                foreach (var o in objects)
                {
                    using var elf = ElfFile.Open(o);
                    foreach (var section in elf.Sections)
                    {
                        if ((section.Flags & ElfSectionFlags.ExecInstr) != 0 && section.HasData && section.Size > 0)
                        {
                            seeds.Add(new FuzzSeed($"{Path.GetFileName(o)}:{section.Name}", section.Data.ToArray()));
                        }
                    }
                }

                break;
        }

        return seeds;
    }
}
