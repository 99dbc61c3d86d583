using System.Text;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>
/// Attaches one kprobe program (loaded with attach type <see cref="BpfAttachType.TraceUprobeMulti"/>) to many
/// user-space locations of one binary with a single link (Linux 6.6+).
/// </summary>
public static class UprobeMultiLink
{
    /// <summary><c>BPF_F_UPROBE_MULTI_RETURN</c>.</summary>
    private const uint FlagReturn = 1;

    /// <summary>Attaches <paramref name="program"/> to functions <paramref name="symbols"/> of <paramref name="binaryPath"/>.</summary>
    /// <param name="program">A kprobe program with expected attach type <see cref="BpfAttachType.TraceUprobeMulti"/>.</param>
    /// <param name="binaryPath">The executable or shared library.</param>
    /// <param name="symbols">The functions.</param>
    /// <param name="retprobe">True for uretprobes.</param>
    /// <param name="pid">Only fire in this process; 0 or -1 for all.</param>
    /// <param name="cookies">One BPF cookie per symbol, or null.</param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    public static Link Attach(BpfFileDescriptor program, string binaryPath, IReadOnlyList<string> symbols, bool retprobe = false, int pid = -1,
        IReadOnlyList<ulong>? cookies = null, IBpfSyscalls? syscalls = null)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        var offsets = new ulong[symbols.Count];
        for (int i = 0; i < offsets.Length; i++)
        {
            offsets[i] = UprobeSymbols.Offset(binaryPath, symbols[i]);
        }

        return AttachAtOffsets(program, binaryPath, offsets, retprobe, pid, cookies, syscalls);
    }

    /// <summary>Attaches <paramref name="program"/> at file offsets <paramref name="offsets"/> of <paramref name="binaryPath"/>.</summary>
    /// <param name="program">A kprobe program with expected attach type <see cref="BpfAttachType.TraceUprobeMulti"/>.</param>
    /// <param name="binaryPath">The executable or shared library.</param>
    /// <param name="offsets">The file offsets.</param>
    /// <param name="retprobe">True for uretprobes.</param>
    /// <param name="pid">Only fire in this process; 0 or -1 for all.</param>
    /// <param name="cookies">One BPF cookie per offset, or null.</param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    public static unsafe Link AttachAtOffsets(BpfFileDescriptor program, string binaryPath, IReadOnlyList<ulong> offsets, bool retprobe = false,
        int pid = -1, IReadOnlyList<ulong>? cookies = null, IBpfSyscalls? syscalls = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentException.ThrowIfNullOrEmpty(binaryPath);
        ArgumentNullException.ThrowIfNull(offsets);
        if (offsets.Count == 0)
        {
            throw new ArgumentException("at least one offset is needed", nameof(offsets));
        }

        if (cookies is not null && cookies.Count != offsets.Count)
        {
            throw new ArgumentException("one cookie per offset", nameof(cookies));
        }

        var sys = syscalls ?? LinuxBpfSyscalls.Instance;
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
                AttachType = BpfAttachType.TraceUprobeMulti,
            };
            attr.UprobeMultiPath = (ulong)path;
            attr.UprobeMultiOffsets = (ulong)o;
            attr.UprobeMultiCookies = (ulong)c;
            attr.UprobeMultiCnt = (uint)offsetArray.Length;
            attr.UprobeMultiFlags = retprobe ? FlagReturn : 0;
            attr.UprobeMultiPid = pid <= 0 ? 0 : (uint)pid;
            try
            {
                return new Link(sys.LinkCreate(attr), sys);
            }
            catch (EbpfException e) when (e.Errno == Errno.EINVAL && LinkTypeSupport.IsKnownMissing(BpfLinkType.UprobeMulti))
            {
                throw new EbpfNotSupportedException("uprobe_multi links (CONFIG_UPROBES)", "6.6", e.Errno, e);
            }
            catch (EbpfNotSupportedException e)
            {
                throw new EbpfNotSupportedException("uprobe_multi links (CONFIG_UPROBES)", "6.6", e.Errno, e);
            }
        }
    }
}
