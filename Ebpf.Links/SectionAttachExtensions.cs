using Ebpf.Kernel;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>
/// Attaches programs to the target their ELF section names, as libbpf's <c>bpf_program__attach</c> and a skeleton's
/// <c>__attach</c>: <c>program.Attach()</c> for <c>SEC("tracepoint/syscalls/sys_enter_openat")</c>,
/// <c>collection.AttachAll()</c> for every such program of an object.
/// </summary>
/// <remarks>
/// Sections that name their target: <c>tracepoint/GROUP/NAME</c> (<c>tp/</c>), <c>raw_tp/NAME</c>
/// (<c>raw_tracepoint/</c>, <c>.w</c>), <c>tp_btf/</c>, <c>fentry/</c>, <c>fexit/</c>, <c>fmod_ret/</c>, <c>lsm/</c>
/// (their target was resolved at load), <c>iter/</c>, <c>kprobe/FUNCTION[+OFFSET]</c>, <c>kretprobe/FUNCTION</c>,
/// <c>ksyscall/NAME</c>, <c>kprobe.multi/GLOB</c>, <c>kprobe.session/GLOB</c>, <c>uprobe/BINARY:FUNCTION[+OFFSET]</c>,
/// <c>uretprobe/BINARY:FUNCTION</c> (and <c>.s</c>), <c>uprobe.multi/BINARY:GLOB</c>, <c>uprobe.session/BINARY:GLOB</c>,
/// <c>usdt/BINARY:PROVIDER:NAME</c>, and <c>freplace/</c> when the
/// load named its target program. A bare binary name is searched on <c>PATH</c>, a library name
/// (<c>libc.so.6</c>) in <c>LD_LIBRARY_PATH</c> and the library directories.
/// </remarks>
public static class SectionAttachExtensions
{
    /// <summary>Attaches <paramref name="program"/> to the target its section names (<see cref="Program.SectionName"/>).</summary>
    /// <param name="program">A program loaded from a spec with a section that names its target.</param>
    /// <returns>The link of the section's kind (<see cref="PerfEventLink"/>, <see cref="RawTracepointLink"/>, <see cref="TracingLink"/>, ...).</returns>
    /// <exception cref="InvalidOperationException">
    /// The program has no section, its section names no target (<c>kprobe</c>) or not in a form that can be attached
    /// (a kretprobe with an offset), or its kind needs arguments (xdp, tc, cgroup, sockets, perf events, struct_ops):
    /// the message names the section and the verb to call instead.
    /// </exception>
    public static Link Attach(this Program program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var plan = Plan(program);
        return plan.Attaches ? Attach(program, plan) : throw CannotAttach(program, plan);
    }

    /// <summary>
    /// Attaches every program of <paramref name="collection"/> whose section names its target, then registers every
    /// struct_ops map the load prepared (<see cref="StructOpsAttachExtensions.AttachStructOps(Map)"/>), as a libbpf
    /// skeleton's <c>__attach</c>. Programs whose section names no target or whose kind needs arguments are skipped
    /// (attach them with their verb), struct_ops programs too (their map registers them), and so are struct_ops maps
    /// this map object registered already or that carry no prepared value (<see cref="Map.HasStructOpsValue"/>: a
    /// replacement map). When one attach fails, the links made so far are disposed and the error is thrown.
    /// </summary>
    /// <param name="collection">A loaded collection.</param>
    /// <returns>
    /// The links, programs' in the order of <see cref="Collection.Programs"/>, then the struct_ops maps' in the order of
    /// <see cref="Collection.Maps"/> (<see cref="StructOpsLink"/> or <see cref="StructOpsAttachment"/>); dispose it to
    /// detach them all.
    /// </returns>
    /// <exception cref="InvalidOperationException">A section names its target in a form that cannot be attached.</exception>
    /// <exception cref="EbpfException">The kernel refused an attachment or a struct_ops registration.</exception>
    public static LinkSet AttachAll(this Collection collection)
    {
        ArgumentNullException.ThrowIfNull(collection);
        var links = new List<Link>();
        try
        {
            AttachPrograms(collection, links);
            RegisterStructOpsMaps(collection, links);
        }
        catch
        {
            LinkSet.DisposeAll(links);
            throw;
        }

        return new LinkSet(links);
    }

    private static void AttachPrograms(Collection collection, List<Link> links)
    {
        foreach (var program in collection.Programs.Values)
        {
            var plan = Plan(program);
            if (plan.Attaches)
            {
                links.Add(Attach(program, plan));
            }
            else if (plan.Verb == SectionAttachVerb.Invalid)
            {
                throw CannotAttach(program, plan);
            }
        }
    }

    /// <summary>libbpf's skeleton attaches every struct_ops map after the programs (<c>bpf_map__attach_struct_ops</c>).</summary>
    private static void RegisterStructOpsMaps(Collection collection, List<Link> links)
    {
        foreach (var map in collection.Maps.Values)
        {
            if (map.Type == BpfMapType.StructOps && map.HasStructOpsValue && !map.IsStructOpsRegistered)
            {
                links.Add(map.AttachStructOps());
            }
        }
    }

    private static SectionAttachPlan Plan(Program program) => program.SectionName is { } section
        ? SectionAttachPlan.Read(section, program.Type, program.LoadedWithAttachProgram)
        : new(SectionAttachVerb.NeedsArguments) { Reason = "has no section (opened, or its spec was built without one): call the verb of its kind" };

    private static Exception CannotAttach(Program program, SectionAttachPlan plan)
    {
        string what = program.SectionName is { } section ? $"program {program.Name}: section {section}" : $"program {program.Name}";
        return new InvalidOperationException($"{what} {plan.Reason}");
    }

    private static Link Attach(Program program, SectionAttachPlan plan) => plan.Verb switch
    {
        SectionAttachVerb.Tracepoint => program.AttachTracepoint(plan.Group!, plan.Target!),
        SectionAttachVerb.RawTracepoint => program.AttachRawTracepoint(plan.Target!),
        SectionAttachVerb.Tracing => program.AttachTracing(plan.AttachType!.Value),
        SectionAttachVerb.Iterator => program.AttachIterator(),
        SectionAttachVerb.Freplace => program.AttachFreplace(),
        SectionAttachVerb.Kprobe => program.AttachKprobe(plan.Target!, new KprobeOptions { ReturnProbe = plan.ReturnProbe, Offset = plan.Offset }),
        SectionAttachVerb.Syscall => program.AttachKprobe(SectionTargets.SyscallFunction(plan.Target!), new KprobeOptions { ReturnProbe = plan.ReturnProbe }),
        SectionAttachVerb.KprobeMulti => program.AttachKprobeMulti(SectionTargets.KernelFunctions(plan.Target!, program.Syscalls),
            new KprobeMultiOptions { ReturnProbe = plan.ReturnProbe, Session = plan.Session }),
        SectionAttachVerb.Uprobe => AttachUprobe(program, plan),
        SectionAttachVerb.UprobeMulti => AttachUprobeMulti(program, plan),
        SectionAttachVerb.Usdt => program.AttachUsdt(plan.Binary!, plan.Provider!, plan.Target!),
        _ => throw CannotAttach(program, plan),
    };

    private static PerfEventLink AttachUprobe(Program program, SectionAttachPlan plan)
    {
        string binary = SectionTargets.BinaryPath(plan.Binary!);
        ulong offset = UprobeSymbols.Offset(binary, plan.Target!) + plan.Offset;
        return program.AttachUprobeAtOffset(binary, offset, new UprobeOptions { ReturnProbe = plan.ReturnProbe });
    }

    private static UprobeMultiLink AttachUprobeMulti(Program program, SectionAttachPlan plan)
    {
        string binary = SectionTargets.BinaryPath(plan.Binary!);
        var (_, offsets) = UprobeSymbols.MatchingFunctions(binary, plan.Target!);
        return program.AttachUprobeMultiAtOffsets(binary, offsets, new UprobeMultiOptions { ReturnProbe = plan.ReturnProbe, Session = plan.Session });
    }
}
