using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>BPF token probes of <see cref="Features"/>.</summary>
public sealed partial class Features
{
    /// <summary>
    /// Checks that the kernel has BPF tokens (<c>BPF_TOKEN_CREATE</c>, Linux 6.9), by asking for a token from a
    /// descriptor that is not open: a kernel with the command answers EBADF, one without EINVAL. Needs no privilege and
    /// no bpffs.
    /// </summary>
    /// <exception cref="EbpfNotSupportedException">The kernel has no BPF tokens.</exception>
    public void HaveBpfToken() =>
        Check(new ProbeKey("token", 0), static self => self.ProbeBpfToken(), this);

    /// <summary>
    /// The probes of the kernel as seen with <paramref name="token"/>: every probe's map, program and BTF carry the
    /// token, as a load with it does (inside a user namespace, probes without it would be refused). Cached per token.
    /// </summary>
    /// <param name="token">The token.</param>
    /// <param name="syscalls">The kernel interface; null for <see cref="LinuxBpfSyscalls.Instance"/>.</param>
    public static Features WithToken(BpfToken token, IBpfSyscalls? syscalls = null)
    {
        ArgumentNullException.ThrowIfNull(token);
        return For(token.Over(syscalls ?? LinuxBpfSyscalls.Instance));
    }

    private EbpfNotSupportedException? ProbeBpfToken()
    {
        try
        {
            using var token = _syscalls.TokenCreate(new TokenCreateAttr { BpffsFd = uint.MaxValue });
            return null; // cannot happen: no descriptor has that number
        }
        catch (EbpfException e) when (e.Errno == Errno.EBADF)
        {
            return null;
        }
        catch (EbpfException e) when (e.Errno == Errno.EINVAL)
        {
            return new EbpfNotSupportedException("BPF tokens (BPF_TOKEN_CREATE)", MinimumKernelVersions.BpfToken, e.Errno, e);
        }
    }
}
