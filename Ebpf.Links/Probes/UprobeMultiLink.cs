using System.Text;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>
/// One kprobe program (loaded with attach type <see cref="BpfAttachType.TraceUprobeMulti"/>, or
/// <see cref="BpfAttachType.TraceUprobeSession"/> for a session) attached to many user-space locations of one binary
/// with a single link (Linux 6.6+, sessions 6.13+), made by <see cref="ProbeAttachExtensions.AttachUprobeMulti"/>.
/// </summary>
public sealed class UprobeMultiLink : Link
{
    /// <summary><c>BPF_F_UPROBE_MULTI_RETURN</c>.</summary>
    private const uint FlagReturn = 1;

    private UprobeMultiLink(BpfFileDescriptor fd, IBpfSyscalls syscalls)
        : base(fd, syscalls)
    {
    }

    /// <summary>Links <paramref name="program"/> at file offsets <paramref name="offsets"/> of <paramref name="binaryPath"/>.</summary>
    internal static unsafe UprobeMultiLink Attach(BpfFileDescriptor program, string binaryPath, IReadOnlyList<ulong> offsets, UprobeMultiOptions? options,
        IBpfSyscalls sys)
    {
        bool retprobe = options?.ReturnProbe ?? false;
        bool session = options?.Session ?? false;
        int pid = options?.Pid ?? -1;
        var cookies = options?.Cookies;
        ArgumentNullException.ThrowIfNull(program);
        ArgumentException.ThrowIfNullOrEmpty(binaryPath);
        ArgumentNullException.ThrowIfNull(offsets);
        if (retprobe && session)
        {
            throw new ArgumentException("a uprobe session runs on entry and return: it takes no ReturnProbe", nameof(options));
        }

        if (offsets.Count == 0)
        {
            throw new ArgumentException("at least one offset is needed", nameof(offsets));
        }

        if (cookies is not null && cookies.Count != offsets.Count)
        {
            throw new ArgumentException("one cookie per offset", nameof(options));
        }

        ulong[] offsetArray = [.. offsets];
        ulong[]? cookieArray = cookies is null ? null : [.. cookies];
        fixed (byte* path = Encoding.UTF8.GetBytes(Path.GetFullPath(binaryPath) + "\0"))
        fixed (ulong* o = offsetArray)
        fixed (ulong* c = cookieArray)
        {
            using var programUse = new FdUse(program);
            var attr = new LinkCreateAttr
            {
                ProgFd = programUse.Fd,
                AttachType = session ? BpfAttachType.TraceUprobeSession : BpfAttachType.TraceUprobeMulti,
            };
            attr.UprobeMultiPath = (ulong)path;
            attr.UprobeMultiOffsets = (ulong)o;
            attr.UprobeMultiCookies = (ulong)c;
            attr.UprobeMultiCnt = (uint)offsetArray.Length;
            attr.UprobeMultiFlags = retprobe ? FlagReturn : 0;
            attr.UprobeMultiPid = pid <= 0 ? 0 : (uint)pid;
            try
            {
                return new UprobeMultiLink(sys.LinkCreate(attr), sys);
            }
            catch (EbpfException e) when (e.Errno == Errno.EINVAL && LinkTypeSupport.IsKnownMissing(BpfLinkType.UprobeMulti))
            {
                throw NotSupported(session, e.Errno, e);
            }
            catch (EbpfException e) when (e.Errno == Errno.EINVAL && session && LinkTypeSupport.IsKnownMissing(BpfAttachType.TraceUprobeSession))
            {
                throw NotSupported(session, e.Errno, e);
            }
            catch (EbpfNotSupportedException e)
            {
                throw NotSupported(session, e.Errno, e);
            }
        }
    }

    private static EbpfNotSupportedException NotSupported(bool session, Errno errno, Exception e) => session
        ? new EbpfNotSupportedException("uprobe session links (CONFIG_UPROBES)", "6.13", errno, e)
        : new EbpfNotSupportedException("uprobe_multi links (CONFIG_UPROBES)", "6.6", errno, e);
}
