using Ebpf.Specs;

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

    private EbpfPermissionException(EbpfPermissionException failure, string subject)
        : base(failure, subject)
    {
    }

    /// <inheritdoc />
    internal override EbpfException? WithSubject(string subject) =>
        GetType() == typeof(EbpfPermissionException) ? new EbpfPermissionException(this, subject) : null;

    /// <summary>Creates an exception for a bpf(2) command refused with <paramref name="errno"/>.</summary>
    public EbpfPermissionException(BpfCommand command, Errno errno, string? detail = null)
        : base(command, errno, string.IsNullOrEmpty(detail) ? Hint : $"{detail}; {Hint}")
    {
    }

    /// <summary>
    /// For an EPERM of a program that runs through a BPF trampoline or BPF LSM (fentry, fexit, fmod_ret, freplace,
    /// lsm), loaded or attached while the process has CAP_SYS_ADMIN (or CAP_BPF and CAP_PERFMON) effective: a new
    /// exception that names the likely cause (kernel lockdown, no BPF trampolines, BPF LSM inactive) instead of the
    /// capability hint. Otherwise <paramref name="refusal"/> itself, whose hint is right.
    /// </summary>
    /// <param name="refusal">The kernel's refusal.</param>
    /// <param name="programType">The program's type.</param>
    /// <param name="attachType">The program's attach type, when it has one.</param>
    /// <param name="subject">What was refused, e.g. <c>program 'handler'</c>.</param>
    public static EbpfPermissionException ExplainTracingRefusal(EbpfPermissionException refusal, BpfProgramType programType, BpfAttachType? attachType, string subject)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        return ExplainTracingRefusal(refusal, programType, attachType, subject, null, null, null);
    }

    /// <summary><see cref="ExplainTracingRefusal(EbpfPermissionException, BpfProgramType, BpfAttachType?, string)"/> with the files it reads (tests give their own).</summary>
    internal static EbpfPermissionException ExplainTracingRefusal(
        EbpfPermissionException refusal, BpfProgramType programType, BpfAttachType? attachType, string subject, KernelConfig? config, string? statusPath, string? securityDirectory)
    {
        if (refusal.Errno != Errno.EPERM || refusal.Command is not { } command || !TracingPermissionHint.Applies(programType, attachType))
        {
            return refusal;
        }

        string? hint = TracingPermissionHint.Explain(
            programType, config ?? RunningKernelConfig.Value, ProcessCapabilities.Effective(statusPath), securityDirectory ?? TracingPermissionHint.SecurityDirectory);
        return hint is null ? refusal : new EbpfPermissionException(command, refusal.Errno, $"{subject}: {hint}", refusal);
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
