using System.Runtime.InteropServices;
using System.Text;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>
/// One kprobe program (loaded with attach type <see cref="BpfAttachType.TraceKprobeMulti"/>, or
/// <see cref="BpfAttachType.TraceKprobeSession"/> for a session) attached to many kernel functions with a single
/// fprobe-based link (Linux 5.18+, sessions 6.10+, CONFIG_FPROBE), made by <see cref="ProbeAttachExtensions.AttachKprobeMulti"/>.
/// </summary>
public sealed class KprobeMultiLink : Link
{
    /// <summary><c>BPF_F_KPROBE_MULTI_RETURN</c>.</summary>
    private const uint FlagReturn = 1;

    private KprobeMultiLink(BpfFileDescriptor fd, IBpfSyscalls syscalls)
        : base(fd, syscalls)
    {
    }

    /// <summary>Links <paramref name="program"/> to kernel functions <paramref name="symbols"/>.</summary>
    /// <exception cref="EbpfNotSupportedException">The kernel has no kprobe_multi links, or no kprobe sessions.</exception>
    internal static unsafe KprobeMultiLink Attach(BpfFileDescriptor program, IReadOnlyList<string> symbols, KprobeMultiOptions? options,
        IBpfSyscalls sys)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(symbols);
        bool retprobe = options?.ReturnProbe ?? false;
        bool session = options?.Session ?? false;
        var cookies = options?.Cookies;
        if (retprobe && session)
        {
            throw new ArgumentException("a kprobe session runs on entry and return: it takes no ReturnProbe", nameof(options));
        }

        if (symbols.Count == 0)
        {
            throw new ArgumentException("at least one symbol is needed", nameof(symbols));
        }

        if (cookies is not null && cookies.Count != symbols.Count)
        {
            throw new ArgumentException("one cookie per symbol", nameof(options));
        }

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
                var attr = new LinkCreateAttr { ProgFd = programUse.Fd, AttachType = session ? BpfAttachType.TraceKprobeSession : BpfAttachType.TraceKprobeMulti };
                attr.KprobeMultiFlags = retprobe ? FlagReturn : 0;
                attr.KprobeMultiCnt = (uint)pointers.Length;
                attr.KprobeMultiSyms = (ulong)syms;
                attr.KprobeMultiCookies = (ulong)c;
                try
                {
                    return new KprobeMultiLink(sys.LinkCreate(attr), sys);
                }
                catch (EbpfException e) when (e.Errno == Errno.EINVAL && LinkTypeSupport.IsKnownMissing(BpfLinkType.KprobeMulti))
                {
                    throw NotSupported(session, e.Errno, e);
                }
                catch (EbpfException e) when (e.Errno == Errno.EINVAL && session && LinkTypeSupport.IsKnownMissing(BpfAttachType.TraceKprobeSession))
                {
                    throw NotSupported(session, e.Errno, e);
                }
                catch (EbpfNotSupportedException e)
                {
                    throw NotSupported(session, e.Errno, e);
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

    private static EbpfNotSupportedException NotSupported(bool session, Errno errno, Exception e) => session
        ? new EbpfNotSupportedException("kprobe session links (CONFIG_FPROBE)", "6.10", errno, e)
        : new EbpfNotSupportedException("kprobe_multi links (CONFIG_FPROBE)", "5.18", errno, e);
}
