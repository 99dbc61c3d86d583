using BenchmarkDotNet.Attributes;
using Ebpf.Asm;
using Ebpf.Kernel;
using Ebpf.Specs;

namespace Ebpf.Benchmarks.Kernel;

/// <summary><c>Program.TestRun</c> of a socket filter on a 64-byte packet (needs root): the span overload allocates nothing.</summary>
[MemoryDiagnoser]
public class ProgramTestRunBenchmarks
{
    private readonly byte[] _packet = new byte[64];
    private readonly byte[] _output = new byte[64];
    private Program? _program;

    [GlobalSetup]
    public void Setup() => _program = Program.Load(new ProgramSpec
    {
        Name = "bench_run",
        Type = BpfProgramType.SocketFilter,
        Instructions = new Instructions([Insn.Mov.Imm(Register.R0, 1), Insn.Exit()]),
    });

    [GlobalCleanup]
    public void Cleanup() => _program?.Dispose();

    /// <summary>One BPF_PROG_TEST_RUN with data in and out through spans.</summary>
    [Benchmark]
    public uint TestRunSpan() => _program!.TestRun(_packet, _output).ReturnValue;
}
