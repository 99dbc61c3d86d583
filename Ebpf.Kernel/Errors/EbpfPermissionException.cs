using Ebpf.Specs;
using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// The kernel refused a call for lack of privilege (EPERM or EACCES). BPF needs CAP_BPF (with CAP_PERFMON or
/// CAP_NET_ADMIN for tracing and networking programs) or CAP_SYS_ADMIN; before Linux 5.11 maps and programs
/// are also charged against RLIMIT_MEMLOCK, which <see cref="MemlockLimit.Remove()"/> lifts. The message
/// says what explains the refusal: the capabilities the process lacks, or, when it has them, the kernel lockdown,
/// LSM, capability bounding set or sysctl that restricts it.
/// </summary>
public class EbpfPermissionException : EbpfException
{
    /// <summary>The hint appended to the message when the process lacks the capabilities (or they cannot be read).</summary>
    public const string Hint =
        "BPF needs CAP_BPF (plus CAP_PERFMON or CAP_NET_ADMIN for tracing and networking) or CAP_SYS_ADMIN; " +
        "before Linux 5.11 also a RLIMIT_MEMLOCK large enough for the objects (lift it with MemlockLimit.Remove)";

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
        Finding = failure.Finding;
    }

    /// <inheritdoc />
    internal override EbpfException? WithSubject(string subject) =>
        GetType() == typeof(EbpfPermissionException) ? new EbpfPermissionException(this, subject) : null;

    /// <summary>
    /// Creates an exception for a bpf(2) command refused with <paramref name="errno"/>; the message adds what explains
    /// the refusal (see <see cref="EbpfPermissionException"/>).
    /// </summary>
    public EbpfPermissionException(BpfCommand command, Errno errno, string? detail = null)
        : this(command, errno, detail, PermissionDiagnosis.ExplainCommand(command))
    {
    }

    private EbpfPermissionException(BpfCommand command, Errno errno, string? detail, PermissionFinding finding)
        : base(command, errno, string.IsNullOrEmpty(detail) ? finding.Text : $"{detail}; {finding.Text}")
    {
        Finding = finding;
    }

    private EbpfPermissionException(string operation, Errno errno, string? detail, PermissionFinding finding)
        : base(operation, errno, string.IsNullOrEmpty(detail) ? finding.Text : $"{detail}; {finding.Text}")
    {
        Finding = finding;
    }

    /// <summary>What explains the refusal, when the kernel's call was diagnosed (null for exceptions made from a message).</summary>
    internal PermissionFinding? Finding { get; }

    /// <summary>
    /// For an EPERM of a program that runs through a BPF trampoline or BPF LSM (fentry, fexit, fmod_ret, freplace,
    /// lsm): a new exception that names <paramref name="subject"/> and what explains the refusal for such programs
    /// (missing CAP_SYS_ADMIN or CAP_BPF with CAP_PERFMON; kernel lockdown, no BPF trampolines, BPF LSM inactive, the
    /// capability bounding set). Otherwise <paramref name="refusal"/> itself.
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
        if (refusal.Errno != Errno.EPERM || refusal.Command is not { } command || !PermissionDiagnosis.UsesTrampoline(programType, attachType))
        {
            return refusal;
        }

        var sources = PermissionSources.System with
        {
            StatusPath = statusPath ?? PermissionSources.System.StatusPath,
            SecurityDirectory = securityDirectory ?? PermissionSources.System.SecurityDirectory,
            Config = config,
        };
        var finding = PermissionDiagnosis.Read(sources).ExplainTrampoline(programType);
        return new EbpfPermissionException(command, refusal.Errno, $"{subject}: {finding.Text}", refusal, finding);
    }

    /// <summary>Creates an exception whose <paramref name="detail"/> names the refused object and the cause.</summary>
    private EbpfPermissionException(BpfCommand command, Errno errno, string detail, Exception innerException, PermissionFinding finding)
        : base(command, errno, detail, innerException)
    {
        Finding = finding;
    }

    /// <summary>
    /// Creates an exception for a call named <paramref name="operation"/> refused with <paramref name="errno"/>; the
    /// message adds what explains the refusal.
    /// </summary>
    public EbpfPermissionException(string operation, Errno errno, string? detail = null)
        : this(operation, errno, detail, PermissionDiagnosis.ExplainCall(operation))
    {
    }
}
