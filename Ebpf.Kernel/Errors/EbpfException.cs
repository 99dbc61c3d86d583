using System.Runtime.InteropServices;
using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// A kernel call failed. Carries the error number and the operation: a <see cref="BpfCommand"/> for bpf(2), or the
/// name of another call such as <c>perf_event_open</c>. Subclasses name the common cases.
/// </summary>
public class EbpfException : Exception
{
    /// <summary>Creates an exception with a generic message.</summary>
    public EbpfException()
        : this("a BPF operation failed")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public EbpfException(string message)
        : base(message)
    {
        Operation = string.Empty;
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    public EbpfException(string message, Exception innerException)
        : base(message, innerException)
    {
        Operation = string.Empty;
    }

    /// <summary>Creates an exception for a failed bpf(2) command.</summary>
    public EbpfException(BpfCommand command, Errno errno, string? detail = null)
        : this(KernelNames.Of(command), errno, detail)
    {
        Command = command;
    }

    /// <summary>Creates an exception for a failed bpf(2) command that explains another exception.</summary>
    internal EbpfException(BpfCommand command, Errno errno, string? detail, Exception? innerException)
        : base(Describe(KernelNames.Of(command), errno, detail), innerException)
    {
        Operation = KernelNames.Of(command);
        Command = command;
        Errno = errno;
    }

    /// <summary>Creates an exception for a failed call named <paramref name="operation"/>.</summary>
    public EbpfException(string operation, Errno errno, string? detail = null)
        : base(Describe(operation, errno, detail))
    {
        Operation = operation;
        Errno = errno;
    }

    /// <summary>A copy of <paramref name="failure"/> whose message starts with <paramref name="subject"/> (see <see cref="FailureSubject"/>).</summary>
    private protected EbpfException(EbpfException failure, string subject)
        : base($"{subject}: {failure.Message}", failure.InnerException)
    {
        Operation = failure.Operation;
        Command = failure.Command;
        Errno = failure.Errno;
        Subject = subject;
    }

    /// <summary>The error number the kernel returned; <see cref="Errno.None"/> when the failure did not come from the kernel.</summary>
    public Errno Errno { get; }

    /// <summary>The bpf(2) command that failed, or null for other calls.</summary>
    public BpfCommand? Command { get; }

    /// <summary>The failed call: a command name such as <c>BPF_MAP_CREATE</c>, or a system call name.</summary>
    public string Operation { get; }

    /// <summary>The map or program the failure concerns, as the message begins (<c>map 'events'</c>); null when it names none.</summary>
    internal string? Subject { get; }

    /// <summary>This failure, named by <paramref name="subject"/>, as an exception of the same type; null for a type this assembly cannot copy.</summary>
    internal virtual EbpfException? WithSubject(string subject) => GetType() == typeof(EbpfException) ? new EbpfException(this, subject) : null;

    /// <summary>The text of an error number, as <c>strerror(3)</c> gives it, with the symbolic name.</summary>
    public static string Describe(Errno errno) => errno switch
    {
        Errno.None => "success",
        Errno.ENOTSUPP => "Operation not supported (ENOTSUPP)",
        _ => $"{Marshal.GetPInvokeErrorMessage((int)errno)} ({errno})",
    };

    private static string Describe(string operation, Errno errno, string? detail) =>
        string.IsNullOrEmpty(detail) ? $"{operation} failed: {Describe(errno)}" : $"{operation} failed: {Describe(errno)}: {detail}";
}
