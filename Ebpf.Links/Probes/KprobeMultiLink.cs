using System.Runtime.InteropServices;
using System.Text;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>
/// Attaches one kprobe program (loaded with attach type <see cref="BpfAttachType.TraceKprobeMulti"/>) to many kernel
/// functions with a single fprobe-based link (Linux 5.18+, CONFIG_FPROBE).
/// </summary>
public static class KprobeMultiLink
{
    /// <summary><c>BPF_F_KPROBE_MULTI_RETURN</c>.</summary>
    private const uint FlagReturn = 1;

    /// <summary>Attaches <paramref name="program"/> to kernel functions <paramref name="symbols"/>.</summary>
    /// <param name="program">A kprobe program with expected attach type <see cref="BpfAttachType.TraceKprobeMulti"/>.</param>
    /// <param name="symbols">The kernel functions.</param>
    /// <param name="retprobe">True for kretprobes.</param>
    /// <param name="cookies">One BPF cookie per symbol, or null.</param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    /// <exception cref="EbpfNotSupportedException">The kernel has no kprobe_multi links.</exception>
    public static unsafe Link Attach(BpfFileDescriptor program, IReadOnlyList<string> symbols, bool retprobe = false,
        IReadOnlyList<ulong>? cookies = null, IBpfSyscalls? syscalls = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(symbols);
        if (symbols.Count == 0)
        {
            throw new ArgumentException("at least one symbol is needed", nameof(symbols));
        }

        if (cookies is not null && cookies.Count != symbols.Count)
        {
            throw new ArgumentException("one cookie per symbol", nameof(cookies));
        }

        var sys = syscalls ?? LinuxBpfSyscalls.Instance;
        var names = new GCHandle[symbols.Count];
        var pointers = new ulong[symbols.Count];
        ulong[]? cookieArray = cookies is null ? null : [.. cookies];
        try
        {
            for (int i = 0; i < names.Length; i++)
            {
                ArgumentException.ThrowIfNullOrEmpty(symbols[i], nameof(symbols));
                names[i] = GCHandle.Alloc(Encoding.UTF8.GetBytes(symbols[i] + "\0"), GCHandleType.Pinned);
                pointers[i] = (ulong)names[i].AddrOfPinnedObject();
            }

            fixed (ulong* syms = pointers)
            fixed (ulong* c = cookieArray)
            {
                using var programUse = new FdUse(program);
                var attr = new LinkCreateAttr { ProgFd = programUse.Fd, AttachType = BpfAttachType.TraceKprobeMulti };
                attr.KprobeMultiFlags = retprobe ? FlagReturn : 0;
                attr.KprobeMultiCnt = (uint)pointers.Length;
                attr.KprobeMultiSyms = (ulong)syms;
                attr.KprobeMultiCookies = (ulong)c;
                try
                {
                    return new Link(sys.LinkCreate(attr), sys);
                }
                catch (EbpfException e) when (e.Errno == Errno.EINVAL && LinkTypeSupport.IsKnownMissing(BpfLinkType.KprobeMulti))
                {
                    throw new EbpfNotSupportedException("kprobe_multi links (CONFIG_FPROBE)", "5.18", e.Errno, e);
                }
                catch (EbpfNotSupportedException e)
                {
                    throw new EbpfNotSupportedException("kprobe_multi links (CONFIG_FPROBE)", "5.18", e.Errno, e);
                }
            }
        }
        finally
        {
            foreach (var handle in names)
            {
                if (handle.IsAllocated)
                {
                    handle.Free();
                }
            }
        }
    }
}
