using System.Diagnostics;
using Ebpf.Kernel;
using Ebpf.Links;

namespace Ebpf.Reliability;

/// <summary>
/// Load, attach and dispose in a loop: the spec of <c>reliability.bpf.c</c> is parsed once, then every cycle loads
/// the collection, attaches its raw tracepoint program to <c>sys_enter</c>, checks it counted, and disposes both.
/// </summary>
public static class CycleRun
{
    /// <summary>Runs one warm-up cycle (kernel BTF and caches), then <paramref name="count"/> measured cycles.</summary>
    /// <param name="count">Cycles to run.</param>
    /// <param name="progress">Called every 1000 cycles with the cycle number and the counts then; may be null.</param>
    public static CycleResult Run(int count, Action<int, KernelObjectCounts>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var spec = CollectionSpec.Load(ReliabilityObjects.Path("reliability"));
        var options = CollectionLoadOptions.Default;
        Cycle(spec, options);
        var before = KernelObjectCounts.ReadQuiet(TimeSpan.FromSeconds(5));
        var clock = Stopwatch.StartNew();
        for (int i = 1; i <= count; i++)
        {
            Cycle(spec, options);
            if (progress is not null && i % 1000 == 0)
            {
                progress(i, KernelObjectCounts.Read());
            }
        }

        clock.Stop();
        return new CycleResult(count, before, KernelObjectCounts.ReadSettled(before, TimeSpan.FromSeconds(5)), clock.Elapsed);
    }

    private static void Cycle(CollectionSpec spec, CollectionLoadOptions options)
    {
        using var collection = Collection.Load(spec, options);
        var program = collection.Programs[ReliabilityObjects.ProgramName];
        using var link = program.AttachRawTracepoint(ReliabilityObjects.Tracepoint);
        _ = KernelObjectCounts.OpenFds(); // a system call, so sys_enter fires at least once while attached
        Span<byte> value = stackalloc byte[8];
        collection.Maps["rel_syscalls"].Lookup(stackalloc byte[4], value);
        if (BitConverter.ToUInt64(value) == 0)
        {
            throw new InvalidOperationException("the attached program counted no system call");
        }
    }
}
