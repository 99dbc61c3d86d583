namespace Ebpf.Kernel;

/// <summary>
/// The kernel refused a call for lack of privilege (EPERM or EACCES). BPF needs CAP_BPF (with CAP_PERFMON or
/// CAP_NET_ADMIN for tracing and networking programs) or CAP_SYS_ADMIN; before Linux 5.11 maps and programs
/// are also charged against RLIMIT_MEMLOCK, which <see cref="IBpfSyscalls.SetMemlockLimit"/> can raise.
/// </summary>
public class EbpfPermissionException : EbpfException
{
    /// <summary>The hint appended to every message.</summary>
    public const string Hint =
        "BPF needs CAP_BPF (plus CAP_PERFMON or CAP_NET_ADMIN for tracing and networking) or CAP_SYS_ADMIN; " +
        "before Linux 5.11 also a RLIMIT_MEMLOCK large enough for the objects (raise it with SetMemlockLimit)";

    /// <summary>Creates an exception with a generic message.</summary>
    public EbpfPermissionException()
        : base($"a BPF operation was not permitted; {Hint}")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public EbpfPermissionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    public EbpfPermissionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for a bpf(2) command refused with <paramref name="errno"/>.</summary>
    public EbpfPermissionException(BpfCommand command, Errno errno, string? detail = null)
        : base(command, errno, string.IsNullOrEmpty(detail) ? Hint : $"{detail}; {Hint}")
    {
    }

    /// <summary>Creates an exception whose <paramref name="detail"/> replaces the capability hint (it names the real cause).</summary>
    internal EbpfPermissionException(BpfCommand command, Errno errno, string detail, Exception innerException)
        : base(command, errno, detail, innerException)
    {
    }

    /// <summary>Creates an exception for a call named <paramref name="operation"/> refused with <paramref name="errno"/>.</summary>
    public EbpfPermissionException(string operation, Errno errno, string? detail = null)
        : base(operation, errno, string.IsNullOrEmpty(detail) ? Hint : $"{detail}; {Hint}")
    {
    }
}
