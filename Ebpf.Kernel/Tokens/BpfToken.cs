using System.Runtime.CompilerServices;
using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// A BPF token (Linux 6.9+): the right to create maps, load programs and BTF that a bpffs mounted with delegation
/// options (<c>delegate_cmds</c>, <c>delegate_maps</c>, <c>delegate_progs</c>, <c>delegate_attachs</c>) grants inside
/// the user namespace that mounted it, so an unprivileged container can use BPF. Pass it as the <c>Token</c> of
/// <see cref="CollectionLoadOptions"/>, <see cref="MapCreateOptions"/> or <see cref="ProgramLoadOptions"/>: every
/// <c>BPF_MAP_CREATE</c>, <c>BPF_PROG_LOAD</c> and <c>BPF_BTF_LOAD</c> of that load, feature probes included, then
/// carries it (<c>BPF_F_TOKEN_FD</c>). Disposing closes the descriptor; objects created with it stay valid.
/// </summary>
public sealed class BpfToken : IDisposable
{
    /// <summary>libbpf's environment variable naming the bpffs a collection takes its token from; empty disables tokens.</summary>
    public const string PathVariable = "LIBBPF_BPF_TOKEN_PATH";

    /// <summary>The bpffs libbpf tries when neither an option nor <see cref="PathVariable"/> names one.</summary>
    public const string DefaultPath = "/sys/fs/bpf";

    private readonly ConditionalWeakTable<IBpfSyscalls, TokenSyscalls> _over = [];

    private BpfToken(BpfFileDescriptor fd, string path)
    {
        FileDescriptor = fd;
        Path = path;
    }

    /// <summary>The token's descriptor, owned by this object.</summary>
    public BpfFileDescriptor FileDescriptor { get; }

    /// <summary>The bpffs mount the token was created from.</summary>
    public string Path { get; }

    /// <summary>
    /// Creates a token (<c>BPF_TOKEN_CREATE</c>) from the bpffs mounted at <paramref name="bpffsPath"/>. The mount must
    /// have been created in the caller's user namespace (<c>fsopen("bpf")</c> there) with delegation options, and the
    /// caller must have CAP_BPF in that namespace; the path must be the mount's root.
    /// </summary>
    /// <param name="bpffsPath">The root of the delegated bpffs mount, e.g. <c>/sys/fs/bpf</c> inside a container.</param>
    /// <param name="syscalls">The kernel interface; null for <see cref="LinuxBpfSyscalls.Instance"/>.</param>
    /// <returns>The token.</returns>
    /// <exception cref="EbpfNotSupportedException">The kernel has no BPF tokens (before Linux 6.9).</exception>
    /// <exception cref="EbpfPermissionException">The mount belongs to another user namespace, or the caller lacks CAP_BPF in it.</exception>
    /// <exception cref="EbpfException">The path cannot be opened, is not the root of a bpffs mount, has no delegation
    /// options (ENOENT), or the caller is in the initial user namespace, where tokens are refused (EOPNOTSUPP).</exception>
    public static BpfToken Create(string bpffsPath, IBpfSyscalls? syscalls = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(bpffsPath);
        syscalls ??= LinuxBpfSyscalls.Instance;
        using var bpffs = syscalls.System().OpenPath(bpffsPath, 0); // O_RDONLY: the kernel needs a real open, not O_PATH
        try
        {
            using var use = new FdUse(bpffs);
            return new BpfToken(syscalls.TokenCreate(new TokenCreateAttr { BpffsFd = use.Fd }), bpffsPath);
        }
        catch (EbpfException e)
        {
            throw Explain(e, bpffsPath, syscalls);
        }
        catch (EbpfNotSupportedException e) when (e.Errno is Errno.EOPNOTSUPP)
        {
            throw new EbpfException(BpfCommand.TokenCreate, e.Errno,
                $"'{bpffsPath}': the process is in the initial user namespace, where the kernel refuses BPF tokens (they grant capabilities inside a user namespace; here the process's own capabilities apply)");
        }
    }

    /// <summary>
    /// The token a collection load uses, by libbpf's rules: <paramref name="tokenPath"/>, else
    /// <see cref="PathVariable"/>; an empty path disables tokens; a given path must yield a token. With neither, a token
    /// from <see cref="DefaultPath"/> when one can be made there, else none (a process in the initial user namespace
    /// never tries: the kernel refuses tokens there).
    /// </summary>
    internal static BpfToken? ForLoad(string? tokenPath, IBpfSyscalls syscalls)
    {
        string? path = tokenPath ?? Environment.GetEnvironmentVariable(PathVariable);
        if (path is not null)
        {
            return path.Length == 0 ? null : Create(path, syscalls);
        }

        if (UserNamespace.IsInitial())
        {
            return null;
        }

        try
        {
            return Create(DefaultPath, syscalls);
        }
        catch (Exception e) when (e is EbpfException or EbpfNotSupportedException)
        {
            return null; // optional, as libbpf: no delegated bpffs at the default path
        }
    }

    /// <summary>The kernel interface <paramref name="syscalls"/> with this token added to every map, program and BTF creation.</summary>
    internal IBpfSyscalls Over(IBpfSyscalls syscalls) =>
        syscalls is TokenSyscalls over && over.Token == this ? over : _over.GetValue(syscalls, s => new TokenSyscalls(TokenSyscalls.Inner(s), this));

    /// <summary>Closes the token's descriptor.</summary>
    public void Dispose() => FileDescriptor.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"BPF token from {Path} ({FileDescriptor})";

    private static Exception Explain(EbpfException e, string path, IBpfSyscalls syscalls)
    {
        switch (e.Errno)
        {
            case Errno.EINVAL:
                Features.For(syscalls).HaveBpfToken(); // a kernel without BPF_TOKEN_CREATE says EINVAL too
                return new EbpfException(BpfCommand.TokenCreate, e.Errno, $"'{path}' is not the root of a bpffs mount");
            case Errno.ENOENT:
                return new EbpfException(BpfCommand.TokenCreate, e.Errno,
                    $"the bpffs at '{path}' delegates nothing: mount it with delegate_cmds, delegate_maps, delegate_progs or delegate_attachs");
            case Errno.EPERM:
                return new EbpfPermissionException(BpfCommand.TokenCreate, e.Errno,
                    $"'{path}': the bpffs must be mounted (fsopen) in the caller's user namespace, and the caller needs CAP_BPF there");
            default:
                return e;
        }
    }
}
