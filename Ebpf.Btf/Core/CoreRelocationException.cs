namespace Ebpf.Btf;

/// <summary>A CO-RE relocation cannot be applied at all (libbpf fails the load for these): a malformed access
/// string, an instruction that does not hold the value the compiler should have put there, or candidates that
/// disagree. A relocation that merely finds nothing in the target poisons its instruction instead.</summary>
public sealed class CoreRelocationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    public CoreRelocationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="inner">The cause.</param>
    public CoreRelocationException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception for one relocation.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="relocation">The relocation.</param>
    /// <param name="instructionIndex">Index of its instruction, or -1 when not known.</param>
    public CoreRelocationException(string message, CoreRelocation? relocation, int instructionIndex = -1)
        : base(message)
    {
        Relocation = relocation;
        InstructionIndex = instructionIndex;
    }

    /// <summary>Creates the exception.</summary>
    public CoreRelocationException()
    {
    }

    private CoreRelocationException(CoreRelocationException failure, string subject)
        : base($"{subject}: {failure.Message}", failure.InnerException)
    {
        Relocation = failure.Relocation;
        InstructionIndex = failure.InstructionIndex;
        Subject = subject;
    }

    /// <summary>The relocation that failed, when known.</summary>
    public CoreRelocation? Relocation { get; }

    /// <summary>Index of the relocated instruction, or -1 when not known.</summary>
    public int InstructionIndex { get; } = -1;

    /// <summary>What the relocation was applied for, as the message begins (<c>program 'handle_exec' (tracepoint/...)</c>); null when the message names nothing.</summary>
    public string? Subject { get; }

    /// <summary>
    /// This failure with its message starting with <paramref name="subject"/> (the loader names the program whose
    /// relocation failed), keeping the relocation, instruction index and cause.
    /// </summary>
    /// <param name="subject">What the relocation was for, e.g. <c>program 'handle_exec' (kprobe/do_exit)</c>.</param>
    /// <returns>A new exception; this one is left as it is.</returns>
    public CoreRelocationException WithSubject(string subject)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        return new CoreRelocationException(this, subject);
    }
}
