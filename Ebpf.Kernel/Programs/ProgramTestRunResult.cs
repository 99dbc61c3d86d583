namespace Ebpf.Kernel;

/// <summary>What one <c>BPF_PROG_TEST_RUN</c> returned.</summary>
/// <param name="ReturnValue">The program's return value (<c>retval</c>).</param>
/// <param name="DurationNanoseconds">The average run time in nanoseconds (<c>duration</c>).</param>
/// <param name="DataOutLength">Bytes of output data the kernel produced.</param>
/// <param name="ContextOutLength">Bytes of output context the kernel produced.</param>
public readonly record struct ProgramTestRunResult(uint ReturnValue, uint DurationNanoseconds, int DataOutLength, int ContextOutLength)
{
    /// <summary>The average run time (<see cref="DurationNanoseconds"/>, at the 100 ns resolution of <see cref="TimeSpan"/>).</summary>
    public TimeSpan Duration => TimeSpan.FromTicks(DurationNanoseconds / 100);
}
