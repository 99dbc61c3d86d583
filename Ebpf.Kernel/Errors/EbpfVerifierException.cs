using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// The verifier rejected a program (<c>BPF_PROG_LOAD</c>) or the kernel rejected BTF (<c>BPF_BTF_LOAD</c>).
/// <see cref="Log"/> holds the kernel's log when the attributes gave a log buffer.
/// </summary>
public class EbpfVerifierException : EbpfException
{
    private const int MessageLogLines = 20;

    /// <summary>Creates an exception with a generic message.</summary>
    public EbpfVerifierException()
        : base("the verifier rejected the program")
    {
        Log = string.Empty;
    }

    /// <summary>Creates an exception with a message.</summary>
    public EbpfVerifierException(string message)
        : base(message)
    {
        Log = string.Empty;
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    public EbpfVerifierException(string message, Exception innerException)
        : base(message, innerException)
    {
        Log = string.Empty;
    }

    /// <summary>Creates an exception for <paramref name="command"/> with the kernel's log.</summary>
    /// <param name="command">PROG_LOAD or BTF_LOAD.</param>
    /// <param name="errno">The error number.</param>
    /// <param name="log">The log text, empty when no log buffer was given.</param>
    /// <param name="logTruncated">True when the log filled the buffer (ENOSPC).</param>
    public EbpfVerifierException(BpfCommand command, Errno errno, string log, bool logTruncated)
        : base(command, errno, Summarize(log, logTruncated))
    {
        Log = log;
        LogTruncated = logTruncated;
    }

    /// <summary>Creates an exception for <paramref name="command"/> with the kernel's log and a summary of it for the message.</summary>
    /// <param name="command">PROG_LOAD or BTF_LOAD.</param>
    /// <param name="errno">The error number.</param>
    /// <param name="log">The whole log text.</param>
    /// <param name="logTruncated">True when the log did not fit the largest buffer.</param>
    /// <param name="summary">A short description of the failure (the failing instruction, its source line, the verifier's complaint).</param>
    public EbpfVerifierException(BpfCommand command, Errno errno, string log, bool logTruncated, string summary)
        : base(command, errno, summary)
    {
        Log = log;
        LogTruncated = logTruncated;
        Summary = summary;
    }

    private EbpfVerifierException(EbpfVerifierException failure, string subject)
        : base(failure, subject)
    {
        Log = failure.Log;
        LogTruncated = failure.LogTruncated;
        LogTrueSize = failure.LogTrueSize;
        Summary = failure.Summary is null ? null : $"{subject}: {failure.Summary}";
    }

    /// <summary>
    /// The short description of the failure in <see cref="Exception.Message"/>, starting with the program's name when
    /// the message names it; null when the message holds the log's tail instead.
    /// </summary>
    public string? Summary { get; }

    /// <summary>The verifier (or BTF checker) log; empty when none was requested.</summary>
    public string Log { get; }

    /// <summary>
    /// True when <see cref="Log"/> is not the whole log. Since Linux 6.4 the kernel keeps the log's end (where the error
    /// is) and <see cref="LogTrueSize"/> says how large all of it is; before, it kept the beginning.
    /// </summary>
    public bool LogTruncated { get; }

    /// <summary>The size in bytes (with the final NUL) of the whole log the kernel produced (Linux 6.4+); 0 when unknown.</summary>
    public long LogTrueSize { get; init; }

    /// <inheritdoc />
    internal override EbpfException? WithSubject(string subject) =>
        GetType() == typeof(EbpfVerifierException) ? new EbpfVerifierException(this, subject) : null;

    private static string Summarize(string log, bool truncated)
    {
        if (string.IsNullOrWhiteSpace(log))
        {
            return "no verifier log (give a log buffer to get one)";
        }

        var lines = log.TrimEnd('\n', '\0', ' ').Split('\n');
        var tail = lines.Length <= MessageLogLines ? lines : lines[^MessageLogLines..];
        string prefix = lines.Length > MessageLogLines ? $"... ({lines.Length - MessageLogLines} lines before)\n" : string.Empty;
        return (truncated ? "log truncated, " : string.Empty) + "verifier log:\n" + prefix + string.Join('\n', tail);
    }
}
