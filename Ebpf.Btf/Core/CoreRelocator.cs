using Ebpf.Asm;

namespace Ebpf.Btf;

/// <summary>
/// Applies CO-RE relocations the way libbpf does: for each relocated instruction (one whose
/// <see cref="InstructionMetadata.Tag"/> is a <see cref="CoreRelocation"/>, see <see cref="BtfExtInfo.Apply"/>),
/// finds the candidate target types (same kind, same name without <c>___flavor</c>; vmlinux first, modules only when
/// vmlinux has none), follows the access through each, checks the candidates agree, and patches the instruction's
/// immediate, offset or 64-bit constant. A relocation the target cannot satisfy poisons its instruction
/// (<see cref="CoreRelocationPoison"/>). One relocator shares its candidate cache between the programs of an
/// object: a type's candidate list narrows to the ones that matched, as in libbpf. Not thread-safe; apply each
/// program once (a second pass would find the patched values where it expects the compiler's).
/// </summary>
public sealed class CoreRelocator
{
    private readonly Dictionary<uint, IReadOnlyList<CoreCandidate>> _candidates = [];
    private readonly Dictionary<(uint TypeId, string AccessString, CoreRelocationKind Kind), CoreRelocationOutcome> _outcomes = [];

    /// <summary>Creates a relocator.</summary>
    /// <param name="localBtf">The program's own BTF (the object's <c>.BTF</c>).</param>
    /// <param name="targets">Target BTFs: vmlinux first, then module BTFs (split on vmlinux).</param>
    public CoreRelocator(BtfSpec localBtf, IReadOnlyList<BtfSpec> targets)
    {
        ArgumentNullException.ThrowIfNull(localBtf);
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Count == 0)
        {
            throw new ArgumentException("at least one target BTF (vmlinux) is needed", nameof(targets));
        }

        LocalBtf = localBtf;
        Targets = targets;
    }

    /// <summary>The program's own BTF.</summary>
    public BtfSpec LocalBtf { get; }

    /// <summary>The target BTFs, vmlinux first.</summary>
    public IReadOnlyList<BtfSpec> Targets { get; }

    /// <summary>A relocator against a kernel's BTF: its vmlinux, and its modules' BTF for types vmlinux lacks
    /// (each module file is read only when such a type is looked up).</summary>
    /// <param name="localBtf">The program's own BTF.</param>
    /// <param name="kernel">The kernel's BTF files; <see cref="KernelBtf.Shared"/> when null.</param>
    /// <returns>The relocator.</returns>
    public static CoreRelocator ForKernel(BtfSpec localBtf, KernelBtf? kernel = null) =>
        new(localBtf, new CoreKernelTargets(kernel ?? KernelBtf.Shared));

    /// <summary>Relocates one program with a fresh relocator.</summary>
    /// <param name="instructions">The program; changed in place.</param>
    /// <param name="localBtf">The program's own BTF.</param>
    /// <param name="targets">Target BTFs, vmlinux first.</param>
    /// <returns>What was patched.</returns>
    /// <exception cref="CoreRelocationException">A relocation cannot be applied (libbpf would fail the load).</exception>
    public static CoreRelocationResult Apply(Instructions instructions, BtfSpec localBtf, IReadOnlyList<BtfSpec> targets) =>
        new CoreRelocator(localBtf, targets).Apply(instructions);

    /// <summary>The candidate target types for a local type, as the relocations so far have narrowed them.</summary>
    /// <param name="localTypeId">A named type in <see cref="LocalBtf"/>.</param>
    /// <returns>The candidates, in target order then id order; empty when none.</returns>
    /// <exception cref="CoreRelocationException">The local type is anonymous.</exception>
    public IReadOnlyList<CoreCandidate> FindCandidates(uint localTypeId)
    {
        if (_candidates.TryGetValue(localTypeId, out var known))
        {
            return known;
        }

        var local = LocalBtf.GetTypeById(localTypeId);
        if (local.Name.Length == 0)
        {
            throw new CoreRelocationException($"CO-RE relocations against anonymous type {local} are not supported");
        }

        var found = new List<CoreCandidate>();
        AddCandidates(Targets[0], 1, local.Name, local.Kind, found);
        if (found.Count == 0)
        {
            // no vmlinux candidate: look at every module's own types
            for (int m = 1; m < Targets.Count; m++)
            {
                AddCandidates(Targets[m], Targets[m].FirstTypeId, local.Name, local.Kind, found);
            }
        }

        _candidates[localTypeId] = found;
        return found;
    }

    /// <summary>Computes what a relocation resolves to, without touching any instruction.</summary>
    /// <param name="relocation">A relocation of <see cref="LocalBtf"/>.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="CoreRelocationException">The access string is malformed, or candidates disagree.</exception>
    public CoreRelocationOutcome Resolve(CoreRelocation relocation)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        // The outcome depends on the type, the access and the kind only: the same inlined accessor in many programs
        // (a gadget's BPF_CORE_READ helpers) is resolved once per relocator.
        var key = (relocation.TypeId, relocation.AccessString, relocation.Kind);
        if (_outcomes.TryGetValue(key, out var known))
        {
            return known with { Relocation = relocation };
        }

        var outcome = ResolveUncached(relocation);
        _outcomes[key] = outcome;
        return outcome;
    }

    private CoreRelocationOutcome ResolveUncached(CoreRelocation relocation)
    {
        var local = CoreAccessParser.Parse(LocalBtf, relocation);
        if (relocation.Kind == CoreRelocationKind.TypeIdLocal)
        {
            return new CoreRelocationOutcome
            {
                Relocation = relocation,
                OriginalValue = local.RootTypeId,
                NewValue = local.RootTypeId,
                Validate = false,
            };
        }

        var candidates = FindCandidates(relocation.TypeId);
        CoreRelocationOutcome? chosen = null;
        CoreAccessSpec? chosenSpec = null;
        var matched = new List<CoreCandidate>();
        foreach (var candidate in candidates)
        {
            var target = CoreAccessMatcher.Match(local, candidate.Spec, candidate.TypeId);
            if (target is null)
            {
                continue;
            }

            var outcome = CoreValueCalculator.Calculate(relocation, local, target, candidate);
            if (chosen is null)
            {
                chosen = outcome;
                chosenSpec = target;
            }
            else if (target.BitOffset != chosenSpec!.BitOffset)
            {
                throw new CoreRelocationException(
                    $"CO-RE relocation {Describe(relocation)}: field offset ambiguity: bit {chosenSpec.BitOffset} in [{chosen.Target?.TypeId}] != bit {target.BitOffset} in [{candidate.TypeId}]",
                    relocation);
            }
            else if (outcome.Poison != chosen.Poison || outcome.NewValue != chosen.NewValue)
            {
                throw new CoreRelocationException(
                    $"CO-RE relocation {Describe(relocation)}: relocation decision ambiguity: {Value(chosen)} for [{chosen.Target?.TypeId}] != {Value(outcome)} for [{candidate.TypeId}]",
                    relocation);
            }

            matched.Add(candidate);
        }

        if (matched.Count > 0)
        {
            _candidates[relocation.TypeId] = matched;
        }

        return chosen ?? CoreValueCalculator.Calculate(relocation, local, null, null);
    }

    /// <summary>Relocates every instruction of a program whose metadata tag is a <see cref="CoreRelocation"/>.
    /// A poisoned <c>lddw</c> becomes two poison calls, so slot offsets (and jumps) stay valid but later indexes
    /// move by one.</summary>
    /// <param name="instructions">The program; changed in place.</param>
    /// <returns>What was patched, with indexes into the patched program.</returns>
    /// <exception cref="CoreRelocationException">A relocation cannot be applied (libbpf would fail the load).</exception>
    public CoreRelocationResult Apply(Instructions instructions)
    {
        ArgumentNullException.ThrowIfNull(instructions);
        var work = new List<(int Index, CoreRelocationOutcome Outcome)>();
        for (int i = 0; i < instructions.Count; i++)
        {
            if (instructions[i].Metadata?.Tag is CoreRelocation relocation)
            {
                work.Add((i, Resolve(relocation)));
            }
        }

        // patch from the end, so an inserted second poison call does not move the ones still to do
        var poisoned = new int[work.Count];
        for (int w = work.Count - 1; w >= 0; w--)
        {
            poisoned[w] = CoreInstructionPatcher.Patch(instructions, work[w].Index, work[w].Outcome);
        }

        var patches = new CoreRelocationPatch[work.Count];
        int shift = 0;
        for (int w = 0; w < work.Count; w++)
        {
            patches[w] = new CoreRelocationPatch(work[w].Index + shift, work[w].Outcome, poisoned[w] > 0);
            shift += poisoned[w] == 2 ? 1 : 0;
        }

        return new CoreRelocationResult(patches);
    }

    private static void AddCandidates(BtfSpec spec, uint firstId, string localName, BtfKind kind, List<CoreCandidate> found)
    {
        // FindIds compares essential names on both sides, as libbpf's bpf_core_add_cands does
        foreach (uint id in spec.FindIds(localName, kind: null, ignoreFlavor: true))
        {
            if (id >= firstId && CoreKinds.AreCompatible(spec.GetKind(id), kind))
            {
                found.Add(new CoreCandidate(spec, id));
            }
        }
    }

    private static string Value(CoreRelocationOutcome o) =>
        o.Poison ? "poison" : o.NewValue.ToString(System.Globalization.CultureInfo.InvariantCulture);

    internal static string Describe(CoreRelocation r) => $"{r.Kind} [{r.TypeId}] '{r.AccessString}'";
}
