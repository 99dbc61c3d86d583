using Ebpf.Asm;

namespace Ebpf.Reliability;

/// <summary>The BPF objects the runs load, compiled by the build from tests/bpf into bpf/ next to the assembly.</summary>
public static class ReliabilityObjects
{
    /// <summary>The raw tracepoint program of <c>reliability.bpf.c</c>, attached to <see cref="Tracepoint"/>.</summary>
    public const string ProgramName = "rel_sys_enter";

    /// <summary>The raw tracepoint the program attaches to.</summary>
    public const string Tracepoint = "sys_enter";

    /// <summary>The map of <c>reliability.bpf.c</c> pinned by name.</summary>
    public const string PinnedMapName = "rel_pinned";

    /// <summary>Path of a compiled object, e.g. <c>Path("reliability")</c>.</summary>
    public static string Path(string name) =>
        System.IO.Path.Combine(AppContext.BaseDirectory, "bpf", $"{name}.bpf{(BitConverter.IsLittleEndian ? "el" : "eb")}.o");

    /// <summary><c>reliability.bpf.c</c> plus the verifier-rejected <c>out_of_bounds</c> program of <c>verifier_errors_noload.bpf.c</c>.</summary>
    public static CollectionSpec FailingSpec()
    {
        var spec = CollectionSpec.Load(Path("reliability"));
        var wrong = CollectionSpec.Load(Path("verifier_errors_noload")).Programs["out_of_bounds"];
        spec.Programs[wrong.Name] = wrong;
        return spec;
    }

    /// <summary>A socket filter returning 0: the smallest program to load.</summary>
    public static ProgramSpec TrivialProgram() => new()
    {
        Name = "reliability",
        Type = BpfProgramType.SocketFilter,
        Instructions = new Instructions([Insn.Mov.Imm(Register.R0, 0), Insn.Exit()]),
    };
}
