using System.Collections.Concurrent;
using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// Feature probes: asks the kernel, through <see cref="IBpfSyscalls"/>, whether it has a map type, program type,
/// helper or flag, by creating the smallest object that needs it. Each probe runs once per instance; its answer is
/// cached. A missing feature throws <see cref="EbpfNotSupportedException"/> naming it; errors that say nothing about
/// the feature (EPERM, ENOMEM, ...) propagate as <see cref="EbpfException"/> and are not cached.
/// </summary>
public sealed partial class Features
{
    private static readonly Lazy<Features> DefaultInstance = new(() => new Features(LinuxBpfSyscalls.Instance));

    private readonly IBpfSyscalls _syscalls;
    private readonly ConcurrentDictionary<ProbeKey, EbpfNotSupportedException?> _results = new();

    /// <summary>Creates probes over <paramref name="syscalls"/>.</summary>
    public Features(IBpfSyscalls syscalls)
    {
        ArgumentNullException.ThrowIfNull(syscalls);
        _syscalls = syscalls;
    }

    /// <summary>Probes of the running kernel, shared by the process.</summary>
    public static Features Default => DefaultInstance.Value;

    /// <summary>True when <paramref name="probe"/> finds its feature; false when it throws <see cref="EbpfNotSupportedException"/>.</summary>
    /// <example><c>if (Features.IsSupported(() =&gt; features.HaveMapType(BpfMapType.Ringbuf))) { ... }</c></example>
    public static bool IsSupported(Action probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        try
        {
            probe();
            return true;
        }
        catch (EbpfNotSupportedException)
        {
            return false;
        }
    }

    private void Check<TArg>(ProbeKey key, Func<TArg, EbpfNotSupportedException?> probe, TArg argument)
    {
        var failure = _results.GetOrAdd(key, static (_, state) => state.probe(state.argument), (probe, argument));
        if (failure is not null)
        {
            // A fresh exception per throw: the cached one keeps its original stack trace clean.
            throw new EbpfNotSupportedException(failure.Feature, failure.MinimumKernelVersion, failure.Errno, failure.InnerException);
        }
    }

    private readonly record struct ProbeKey(string Kind, ulong First, ulong Second = 0);
}
