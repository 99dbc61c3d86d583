using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// A map element command found no element for the key (ENOENT), or <c>BPF_MAP_GET_NEXT_KEY</c> reached the end.
/// Hot paths use the <c>Try</c> methods of <see cref="IBpfSyscalls"/>, which return <see cref="Errno.ENOENT"/> instead.
/// </summary>
public class EbpfKeyNotFoundException : EbpfException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public EbpfKeyNotFoundException()
        : base("the key was not found in the map")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public EbpfKeyNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    public EbpfKeyNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    private EbpfKeyNotFoundException(EbpfKeyNotFoundException failure, string subject)
        : base(failure, subject)
    {
    }

    /// <summary>Creates an exception for <paramref name="command"/>.</summary>
    public EbpfKeyNotFoundException(BpfCommand command)
        : base(command, Errno.ENOENT, command == BpfCommand.MapGetNextKey ? "no next key" : "key not found")
    {
    }

    /// <inheritdoc />
    internal override EbpfException? WithSubject(string subject) =>
        GetType() == typeof(EbpfKeyNotFoundException) ? new EbpfKeyNotFoundException(this, subject) : null;
}
