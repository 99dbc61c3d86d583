using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>Turns the <see cref="Errno"/> results of the <c>Try</c> methods of <see cref="IBpfSyscalls"/> into exceptions.</summary>
public static class ErrnoExtensions
{
    /// <summary>
    /// The exception <see cref="LinuxBpfSyscalls"/> throws when <paramref name="command"/> fails with <paramref name="errno"/>:
    /// <see cref="EbpfPermissionException"/> for EPERM/EACCES, <see cref="EbpfKeyNotFoundException"/> for ENOENT of
    /// element commands, <see cref="EbpfNotSupportedException"/> for EOPNOTSUPP/ENOTSUPP, else <see cref="EbpfException"/>.
    /// </summary>
    public static Exception ToException(this Errno errno, BpfCommand command) => errno switch
    {
        Errno.None => throw new ArgumentOutOfRangeException(nameof(errno), "success is not an error"),
        Errno.EPERM or Errno.EACCES => new EbpfPermissionException(command, errno),
        Errno.ENOENT when IsElementCommand(command) => new EbpfKeyNotFoundException(command),
        Errno.EOPNOTSUPP or Errno.ENOTSUPP => new EbpfNotSupportedException(KernelNames.Of(command) + " on this object", null, errno),
        _ => new EbpfException(command, errno),
    };

    /// <summary>Throws <see cref="ToException"/> unless <paramref name="errno"/> is <see cref="Errno.None"/>.</summary>
    public static void ThrowIfFailed(this Errno errno, BpfCommand command)
    {
        if (errno != Errno.None)
        {
            throw errno.ToException(command);
        }
    }

    private static bool IsElementCommand(BpfCommand command) => command is BpfCommand.MapLookupElem
        or BpfCommand.MapUpdateElem or BpfCommand.MapDeleteElem or BpfCommand.MapGetNextKey
        or BpfCommand.MapLookupAndDeleteElem;
}
