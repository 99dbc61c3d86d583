using System.CommandLine;
using System.Text.Json;
using Ebpf.Asm;
using Ebpf.Cli.Json;
using Ebpf.Kernel;
using Ebpf.Specs;
using Ebpf.Kernel.Interop;

namespace Ebpf.Cli.Feature;

/// <summary>
/// <c>ebpf feature probe [--json] [--full]</c>: what the running kernel supports, in the sections, wording and JSON keys
/// of <c>bpftool feature probe kernel</c> (system call, program types, map types, helpers per program type,
/// miscellaneous features), so the two can be compared line by line. A type, helper or feature whose probe the kernel
/// refuses (EPERM or EACCES: lockdown, an LSM, missing capabilities) is reported as not available, as bpftool reports
/// a refused probe.
/// </summary>
public static class FeatureCommand
{
    /// <summary>Helpers that write to the kernel log when a program using them loads; probed only with <c>--full</c>, as bpftool.</summary>
    private static readonly Helper[] NoisyHelpers = [Helper.TracePrintk, Helper.TraceVprintk, Helper.ProbeWriteUser];

    /// <summary>Creates the <c>feature</c> command group.</summary>
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON (bpftool's keys) instead of text." };
        var full = new Option<bool>("--full") { Description = "Also probe the helpers that write to the kernel log (bpf_trace_printk, bpf_probe_write_user)." };
        var probe = new Command("probe", "Probe the kernel's BPF system call, program and map types, helpers and instruction set.") { json, full };
        probe.SetAction(result => Probe(Features.Default, result.GetValue(json), Console.Out, result.GetValue(full)));
        return new Command("feature", "Inspect what the kernel supports.") { probe };
    }

    /// <summary>Runs every probe and writes the results.</summary>
    /// <param name="features">The probes to ask.</param>
    /// <param name="json">JSON with bpftool's keys instead of text.</param>
    /// <param name="output">Where to write.</param>
    /// <param name="full">Also probe the helpers that write to the kernel log.</param>
    /// <returns>The process exit code.</returns>
    public static int Probe(Features features, bool json, TextWriter output, bool full = false)
    {
        var programTypes = Enum.GetValues<BpfProgramType>().Distinct().Where(t => t != BpfProgramType.Unspec).ToArray();
        var programs = programTypes.ToDictionary(t => t, t => Available(() => features.HaveProgramType(t)));
        var maps = Enum.GetValues<BpfMapType>().Distinct().Where(t => t != BpfMapType.Unspec)
            .ToDictionary(t => t, t => Available(() => features.HaveMapType(t)));
        var helpers = programTypes.ToDictionary(t => t, t => programs[t] ? Helpers(features, t, full) : null);
        var misc = new (string Key, string Text, bool Ok)[]
        {
            ("have_large_insn_limit", "Large program size limit", Available(features.HaveLargeInstructions)),
            ("have_bounded_loops", "Bounded loop support", Available(features.HaveBoundedLoops)),
            ("have_v2_isa_extension", "ISA extension v2", Available(features.HaveV2Isa)),
            ("have_v3_isa_extension", "ISA extension v3", Available(features.HaveV3Isa)),
            ("have_v4_isa_extension", "ISA extension v4", Available(features.HaveV4Isa)),
        };

        if (json)
        {
            var document = new FeatureReport(
                new Dictionary<string, bool> { ["have_bpf_syscall"] = true },
                programs.ToDictionary(p => $"have_{Short(p.Key)}_prog_type", p => p.Value),
                maps.ToDictionary(m => $"have_{Short(m.Key)}_map_type", m => m.Value),
                helpers.Where(h => h.Value is not null)
                    .ToDictionary(h => $"{Short(h.Key)}_available_helpers", h => h.Value!.Select(x => x.GetName()!).ToArray()),
                misc.ToDictionary(m => m.Key, m => m.Ok));
            output.WriteLine(JsonSerializer.Serialize(document, CliJsonContext.Default.FeatureReport));
            return 0;
        }

        output.WriteLine("Scanning system call availability...");
        output.WriteLine("bpf() syscall is available");
        output.WriteLine();
        output.WriteLine("Scanning eBPF program types...");
        foreach (var (type, ok) in programs)
        {
            output.WriteLine($"eBPF program_type {Short(type)} is {(ok ? "" : "NOT ")}available");
        }

        output.WriteLine();
        output.WriteLine("Scanning eBPF map types...");
        foreach (var (type, ok) in maps)
        {
            output.WriteLine($"eBPF map_type {Short(type)} is {(ok ? "" : "NOT ")}available");
        }

        output.WriteLine();
        output.WriteLine("Scanning eBPF helper functions...");
        foreach (var (type, available) in helpers)
        {
            output.WriteLine($"eBPF helpers supported for program type {Short(type)}:");
            if (!programs[type])
            {
                output.WriteLine("\tProgram type not supported");
            }
            else if (available is null)
            {
                output.WriteLine("\tCould not determine which helpers are available");
            }
            else
            {
                foreach (var helper in available)
                {
                    output.WriteLine($"\t- {helper.GetName()}");
                }
            }
        }

        output.WriteLine();
        output.WriteLine("Scanning miscellaneous eBPF features...");
        foreach (var (_, text, ok) in misc)
        {
            output.WriteLine($"{text} is {(ok ? "" : "NOT ")}available");
        }

        return 0;
    }

    /// <summary>The helpers programs of <paramref name="type"/> may call; null when a probe cannot tell (types that need an attach target).</summary>
    private static List<Helper>? Helpers(Features features, BpfProgramType type, bool full)
    {
        var available = new List<Helper>();
        foreach (var helper in Enum.GetValues<Helper>())
        {
            if (helper == Helper.Unspec || helper.GetName() is null || (!full && NoisyHelpers.Contains(helper)))
            {
                continue;
            }

            try
            {
                features.HaveHelper(type, helper);
                available.Add(helper);
            }
            catch (Exception e) when (e is EbpfNotSupportedException or EbpfPermissionException)
            {
            }
            catch (ArgumentException)
            {
                return null;
            }
        }

        return available;
    }

    /// <summary>Whether <paramref name="probe"/> finds its feature: false when the kernel lacks it or refuses the probe.</summary>
    private static bool Available(Action probe)
    {
        try
        {
            return Features.IsSupported(probe);
        }
        catch (EbpfPermissionException)
        {
            return false;
        }
    }

    /// <summary>bpftool's spelling of a type: the C name without its prefix, in lower case.</summary>
    private static string Short(BpfProgramType type) => Short(KernelNames.Of(type), "BPF_PROG_TYPE_");

    private static string Short(BpfMapType type) => Short(KernelNames.Of(type), "BPF_MAP_TYPE_");

    private static string Short(string cName, string prefix) =>
        (cName.StartsWith(prefix, StringComparison.Ordinal) ? cName[prefix.Length..] : cName).ToLowerInvariant();
}
