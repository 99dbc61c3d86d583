namespace Ebpf.Kernel;

/// <summary>
/// The running kernel lacks a feature: a map or program type, a helper, a flag or a command. Feature probes
/// (<see cref="Features"/>) raise it, naming the feature and the first kernel version that has it when known.
/// </summary>
public class EbpfNotSupportedException : NotSupportedException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public EbpfNotSupportedException()
        : base("the kernel does not support this BPF feature")
    {
        Feature = string.Empty;
    }

    /// <summary>Creates an exception with a message.</summary>
    public EbpfNotSupportedException(string message)
        : base(message)
    {
        Feature = string.Empty;
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    public EbpfNotSupportedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Feature = string.Empty;
    }

    /// <summary>Creates an exception naming the missing feature.</summary>
    /// <param name="feature">What is missing, e.g. <c>map type BPF_MAP_TYPE_RINGBUF</c>.</param>
    /// <param name="minimumKernelVersion">The first Linux version with the feature, e.g. <c>5.8</c>, or null when unknown.</param>
    /// <param name="errno">The error number the probe saw.</param>
    /// <param name="innerException">The failure that decided it, if any.</param>
    public EbpfNotSupportedException(string feature, string? minimumKernelVersion, Errno errno, Exception? innerException = null)
        : base(Describe(feature, minimumKernelVersion, errno), innerException)
    {
        Feature = feature;
        MinimumKernelVersion = minimumKernelVersion;
        Errno = errno;
    }

    private EbpfNotSupportedException(EbpfNotSupportedException failure, string subject)
        : base($"{subject}: {failure.Message}", failure.InnerException)
    {
        Feature = failure.Feature;
        MinimumKernelVersion = failure.MinimumKernelVersion;
        Errno = failure.Errno;
        Subject = subject;
    }

    /// <summary>The missing feature.</summary>
    public string Feature { get; }

    /// <summary>The first Linux version that has the feature, or null when unknown.</summary>
    public string? MinimumKernelVersion { get; }

    /// <summary>The error number the kernel returned.</summary>
    public Errno Errno { get; }

    /// <summary>The map or program the failure concerns, as the message begins (<c>map 'events'</c>); null when it names none.</summary>
    internal string? Subject { get; }

    /// <summary>This failure, named by <paramref name="subject"/>, as an exception of the same type; null for a type this assembly cannot copy.</summary>
    internal virtual EbpfNotSupportedException? WithSubject(string subject) =>
        GetType() == typeof(EbpfNotSupportedException) ? new EbpfNotSupportedException(this, subject) : null;

    private static string Describe(string feature, string? version, Errno errno)
    {
        string requires = version is null ? string.Empty : $" (requires Linux {version} or later)";
        string cause = errno == Errno.None ? string.Empty : $"; the kernel returned {EbpfException.Describe(errno)}";
        return $"{feature} is not supported by this kernel{requires}{cause}";
    }
}
