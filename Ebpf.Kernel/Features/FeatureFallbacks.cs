namespace Ebpf.Kernel;

/// <summary>
/// Whether a load may leave out a debug aid the running kernel rejects and go on, and where each such fallback is
/// reported. The debug aids: object names (Linux 4.15), BTF (4.18), program function and line info (5.0), map
/// key/value BTF. Anything else the kernel lacks always fails with <see cref="EbpfNotSupportedException"/>.
/// </summary>
public sealed record FeatureFallbacks
{
    /// <summary>Fallbacks allowed, reported nowhere.</summary>
    public static FeatureFallbacks Default { get; } = new();

    /// <summary>No fallbacks: a rejected debug aid fails the load with <see cref="EbpfNotSupportedException"/>.</summary>
    public static FeatureFallbacks Strict { get; } = new() { Allowed = false };

    /// <summary>True (the default) to go on without a rejected debug aid; false to throw <see cref="EbpfNotSupportedException"/>.</summary>
    public bool Allowed { get; init; } = true;

    /// <summary>Called with a one-line description (what was left out, for which object, and why) each time a fallback is taken.</summary>
    public Action<string>? Report { get; init; }

    /// <summary>Takes a fallback: reports it, or throws when fallbacks are not allowed.</summary>
    /// <param name="feature">The debug aid left out, e.g. <c>BTF function and line info</c>.</param>
    /// <param name="minimumKernel">The first Linux version with it.</param>
    /// <param name="subject">The object loaded, e.g. <c>program 'xdp_prog'</c>.</param>
    /// <param name="cause">The kernel's refusal.</param>
    /// <exception cref="EbpfNotSupportedException"><see cref="Allowed"/> is false.</exception>
    internal void Take(string feature, string minimumKernel, string subject, Exception cause)
    {
        var errno = cause switch
        {
            EbpfException e => e.Errno,
            EbpfNotSupportedException n => n.Errno,
            _ => Errno.None,
        };
        if (!Allowed)
        {
            throw FailureSubject.Name(new EbpfNotSupportedException($"{feature} (fallbacks are disabled)", minimumKernel, errno, cause), subject);
        }

        Report?.Invoke($"{subject}: the kernel rejected {feature} ({errno}); loading without it");
    }
}
