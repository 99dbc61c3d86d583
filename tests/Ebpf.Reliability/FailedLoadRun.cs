using Ebpf.Kernel;

namespace Ebpf.Reliability;

/// <summary>
/// Collection loads that fail after maps were created and pinned: <c>reliability.bpf.c</c> (which pins
/// <c>rel_pinned</c> by name) plus a program the verifier rejects, loaded with a pin path on a private bpffs.
/// </summary>
public static class FailedLoadRun
{
    /// <summary>Runs one warm-up load, then <paramref name="count"/> measured ones; each must throw <see cref="EbpfVerifierException"/>.</summary>
    /// <exception cref="InvalidOperationException">A load did not fail with a verifier error.</exception>
    public static FailedLoadResult Run(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var spec = ReliabilityObjects.FailingSpec();
        using var bpffs = new PrivateBpffs();
        var options = new CollectionLoadOptions { PinPath = bpffs.Path };
        string error = LoadOnce(spec, options);
        var before = KernelObjectCounts.ReadQuiet(TimeSpan.FromSeconds(5));
        for (int i = 0; i < count; i++)
        {
            error = LoadOnce(spec, options);
        }

        return new FailedLoadResult(count, before, KernelObjectCounts.ReadSettled(before, TimeSpan.FromSeconds(5)), bpffs.Pins(), error);
    }

    private static string LoadOnce(CollectionSpec spec, CollectionLoadOptions options)
    {
        try
        {
            using var collection = Collection.Load(spec, options);
        }
        catch (EbpfVerifierException e)
        {
            return e.Message.Split('\n')[0];
        }

        throw new InvalidOperationException("the collection loaded although its out_of_bounds program is invalid");
    }
}
