using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

public sealed unsafe partial class Program
{
    /// <summary>Runs the program in the kernel on test input (<c>BPF_PROG_TEST_RUN</c>) and returns its result.</summary>
    /// <exception cref="EbpfNotSupportedException">The program type cannot be test-run.</exception>
    /// <exception cref="EbpfException">The run failed, for example ENOSPC when an output buffer is too small.</exception>
    public ProgramTestRunResult TestRun(ProgramTestRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        uint flags = options.Flags | (options.Cpu is null ? 0 : ProgramTestRunOptions.RunOnCpuFlag);
        return TestRun(options.Data.Span, options.DataOut.Span, options.Context.Span, options.ContextOut.Span, options.Repeat, flags, options.Cpu ?? 0, options.BatchSize);
    }

    /// <summary>Runs the program once (or <paramref name="repeat"/> times) on <paramref name="data"/>, without allocating.</summary>
    /// <param name="data">The input packet or data.</param>
    /// <param name="dataOut">Receives the output data; empty to discard it.</param>
    /// <param name="repeat">How many times to run.</param>
    /// <returns>The return value, average duration and output size.</returns>
    /// <exception cref="EbpfException">The run failed.</exception>
    public ProgramTestRunResult TestRun(ReadOnlySpan<byte> data, Span<byte> dataOut = default, uint repeat = 1) =>
        TestRun(data, dataOut, default, default, repeat, 0, 0, 0);

    private ProgramTestRunResult TestRun(
        ReadOnlySpan<byte> data, Span<byte> dataOut, ReadOnlySpan<byte> context, Span<byte> contextOut, uint repeat, uint flags, uint cpu, uint batchSize)
    {
        using var use = new FdUse(FileDescriptor);
        fixed (byte* dataIn = data)
        fixed (byte* dataOutPtr = dataOut)
        fixed (byte* ctxIn = context)
        fixed (byte* ctxOut = contextOut)
        {
            var attr = new ProgTestRunAttr
            {
                ProgFd = use.Fd,
                DataIn = (ulong)dataIn,
                DataSizeIn = (uint)data.Length,
                DataOut = (ulong)dataOutPtr,
                DataSizeOut = (uint)dataOut.Length,
                CtxIn = (ulong)ctxIn,
                CtxSizeIn = (uint)context.Length,
                CtxOut = (ulong)ctxOut,
                CtxSizeOut = (uint)contextOut.Length,
                Repeat = repeat,
                Flags = flags,
                Cpu = cpu,
                BatchSize = batchSize,
            };
            _syscalls.ProgTestRun(ref attr);
            return new ProgramTestRunResult(attr.Retval, attr.Duration, (int)attr.DataSizeOut, (int)attr.CtxSizeOut);
        }
    }
}
