using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;
using Microsoft.Win32.SafeHandles;

namespace Ebpf.Links;

/// <summary>
/// An iterator link (<c>BPF_LINK_CREATE</c> with <c>BPF_TRACE_ITER</c>, Linux 5.8+): each <see cref="Open"/> starts a
/// new pass of the iterator program (made by <see cref="TracingAttachExtensions.AttachIterator(Program, Map?)"/>), whose <c>bpf_seq_write</c>/<c>bpf_seq_printf</c> output is read from the stream.
/// </summary>
public sealed class IterLink : Link
{
    private IterLink(BpfFileDescriptor fd, IBpfSyscalls syscalls)
        : base(fd, syscalls)
    {
    }

    /// <summary>Creates an iterator link for <paramref name="program"/> (a tracing program loaded with attach type <c>BPF_TRACE_ITER</c>), over <paramref name="map"/> for map element iterators.</summary>
    internal static unsafe IterLink Attach(BpfFileDescriptor program, BpfFileDescriptor? map, IBpfSyscalls sys)
    {
        ArgumentNullException.ThrowIfNull(program);

        // union bpf_iter_link_info: map.map_fd at 0; the union is 16 bytes (cgroup member).
        ulong* iterInfo = stackalloc ulong[2];
        iterInfo[0] = 0;
        iterInfo[1] = 0;
        using var programUse = new FdUse(program);
        using var mapUse = FdUse.Optional(map);
        var attr = new LinkCreateAttr { ProgFd = programUse.Fd, AttachType = BpfAttachType.TraceIter };
        if (map is not null)
        {
            *(uint*)iterInfo = mapUse.Fd;
            attr.IterInfo = (ulong)iterInfo;
            attr.IterInfoLen = 16;
        }

        try
        {
            var fd = sys.LinkCreate(attr);
            return new IterLink(fd, sys);
        }
        catch (EbpfException e) when (e.Errno == Errno.EINVAL && LinkTypeSupport.IsKnownMissing(BpfLinkType.Iter))
        {
            throw new EbpfNotSupportedException("BPF iterators (BPF_LINK_CREATE with BPF_TRACE_ITER)", "5.8", e.Errno, e);
        }
    }

    /// <summary>Starts a pass of the iterator (<c>BPF_ITER_CREATE</c>) and returns its output as a read-only, non-seekable stream.</summary>
    public Stream Open()
    {
        var link = RequireLinkFd("BPF_ITER_CREATE");
        BpfFileDescriptor iter;
        using (var use = new FdUse(link))
        {
            iter = Syscalls.IterCreate(new IterCreateAttr { LinkFd = use.Fd });
        }

        var handle = new SafeFileHandle(iter.DangerousGetHandle(), ownsHandle: true);
        iter.SetHandleAsInvalid();
        return new FileStream(handle, FileAccess.Read, bufferSize: 0);
    }

    /// <summary>Runs a full pass of the iterator and returns its output as text.</summary>
    public string ReadAllText()
    {
        using var reader = new StreamReader(Open());
        return reader.ReadToEnd();
    }
}
