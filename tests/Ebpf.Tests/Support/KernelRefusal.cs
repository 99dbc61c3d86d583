using Ebpf.Kernel;

namespace Ebpf.Tests;

/// <summary>
/// Skips a kernel test whose feature the kernel lacks or refuses for a reason of this machine, with the SDK's own
/// words: <see cref="EbpfNotSupportedException"/> for a missing feature, and for EPERM/EACCES the permission diagnosis
/// (missing capabilities, kernel lockdown, an LSM, the capability bounding set, a sysctl). A refusal the diagnosis
/// cannot explain (the process has the capabilities and nothing restricts it) is rethrown, so the test fails.
/// </summary>
public static class KernelRefusal
{
    /// <summary>Runs <paramref name="probe"/> (a <see cref="Features"/> check); skips when it says the feature is missing or refused.</summary>
    /// <param name="feature">The feature, as the skip reason names it, e.g. <c>BPF_MAP_TYPE_ARENA</c>.</param>
    /// <param name="probe">The probe.</param>
    public static void Require(string feature, Action probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        try
        {
            probe();
        }
        catch (EbpfNotSupportedException e)
        {
            Assert.Ignore($"{feature}: {e.Message}");
        }
        catch (EbpfPermissionException e)
        {
            IgnoreIfExplained(feature, e);
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="call"/>, the kernel call that needs <paramref name="feature"/>; skips when the SDK says the
    /// kernel lacks the feature (<see cref="EbpfNotSupportedException"/>) or the kernel refuses it for a reason of this machine.
    /// </summary>
    /// <param name="feature">The feature, e.g. <c>iter/bpf_map_elem</c>.</param>
    /// <param name="call">The call, whose result is returned.</param>
    public static T Run<T>(string feature, Func<T> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return call();
        }
        catch (EbpfNotSupportedException e)
        {
            Assert.Ignore($"{feature}: {e.Message}");
            throw;
        }
        catch (EbpfPermissionException e)
        {
            IgnoreIfExplained(feature, e);
            throw;
        }
    }

    /// <summary>Runs <paramref name="call"/>, a load that calls kfuncs; skips when the SDK finds a kfunc missing from the kernel's BTF (the kernel predates it).</summary>
    /// <param name="call">The load, whose result is returned.</param>
    public static T RunWithKfuncs<T>(Func<T> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return call();
        }
        catch (EbpfException e) when (MissingKfunc(e) is { } missing)
        {
            Assert.Ignore(missing);
            throw;
        }
    }

    private static string? MissingKfunc(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e.Message.Contains("kfunc '", StringComparison.Ordinal) && e.Message.Contains("is not in the kernel's BTF", StringComparison.Ordinal))
            {
                return e.Message;
            }
        }

        return null;
    }

    /// <summary>Skips with <c>"{feature}: {call} failed with {errno}: {what explains it}"</c> when the diagnosis of <paramref name="refusal"/> finds a reason of this machine; returns otherwise.</summary>
    /// <param name="feature">The feature.</param>
    /// <param name="refusal">The kernel's refusal.</param>
    public static void IgnoreIfExplained(string feature, EbpfPermissionException refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        var finding = refusal.Finding ?? PermissionDiagnosis.Read().Explain();
        if (finding.ExplainedByEnvironment)
        {
            Assert.Ignore($"{feature}: {refusal.Operation} failed with {EbpfException.Describe(refusal.Errno)}: {finding.Text}");
        }
    }
}
