using System.Text;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Links;

/// <summary>
/// A program attachment backed by a kernel <c>bpf_link</c> descriptor. Disposing closes the descriptor, which
/// detaches the program unless the link is pinned or another descriptor refers to it. Subclasses cover
/// attachments with extra state (perf events, iterators) or without a <c>bpf_link</c> (<c>BPF_PROG_ATTACH</c>).
/// </summary>
public class Link : ILink
{
    private readonly BpfFileDescriptor? _fd;

    /// <summary>Takes ownership of a <c>bpf_link</c> descriptor.</summary>
    /// <param name="fd">The link descriptor (from <c>BPF_LINK_CREATE</c>, <c>BPF_RAW_TRACEPOINT_OPEN</c>, <c>BPF_OBJ_GET</c>...).</param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    public Link(BpfFileDescriptor fd, IBpfSyscalls? syscalls = null)
    {
        ArgumentNullException.ThrowIfNull(fd);
        _fd = fd;
        Syscalls = syscalls ?? LinuxBpfSyscalls.Instance;
    }

    /// <summary>For attachments without a <c>bpf_link</c> descriptor; the subclass overrides what needs one.</summary>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    protected Link(IBpfSyscalls? syscalls)
    {
        Syscalls = syscalls ?? LinuxBpfSyscalls.Instance;
    }

    /// <summary>The <c>bpf_link</c> descriptor, or null when the attachment has none (legacy perf event or <c>BPF_PROG_ATTACH</c> attachments).</summary>
    public BpfFileDescriptor? Fd => _fd;

    /// <summary>The path this link was pinned at by <see cref="Pin"/> or opened from by <see cref="OpenPinned"/>, else null.</summary>
    public string? PinnedPath { get; private set; }

    /// <summary>True once <see cref="Dispose()"/> ran.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>The kernel interface the link uses.</summary>
    protected IBpfSyscalls Syscalls { get; }

    /// <summary>Opens the link pinned at <paramref name="path"/> (<c>BPF_OBJ_GET</c>).</summary>
    /// <param name="path">The pin on a bpffs.</param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    public static Link OpenPinned(string path, IBpfSyscalls? syscalls = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var sys = syscalls ?? LinuxBpfSyscalls.Instance;
        return new Link(BpfPin.Open(path, sys), sys) { PinnedPath = path };
    }

    /// <summary>Opens the link with kernel id <paramref name="id"/> (<c>BPF_LINK_GET_FD_BY_ID</c>, Linux 5.8+).</summary>
    /// <param name="id">The link id, as in <see cref="LinkInfo.Id"/> or <c>bpftool link show</c>.</param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    public static Link OpenById(uint id, IBpfSyscalls? syscalls = null)
    {
        var sys = syscalls ?? LinuxBpfSyscalls.Instance;
        return new Link(sys.GetFdById(BpfObjectKind.Link, new GetIdAttr { Id = id }), sys);
    }

    /// <summary>
    /// The links of the whole system (<c>BPF_LINK_GET_NEXT_ID</c>, Linux 5.8+), read lazily; links that go away while
    /// enumerating are skipped.
    /// </summary>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    public static IEnumerable<LinkInfo> Enumerate(IBpfSyscalls? syscalls = null)
    {
        var sys = syscalls ?? LinuxBpfSyscalls.Instance;
        uint id = 0;
        while (true)
        {
            var attr = new GetIdAttr { StartId = id };
            var errno = sys.TryGetNextId(BpfObjectKind.Link, ref attr);
            if (errno == Errno.ENOENT)
            {
                yield break;
            }

            if (errno == Errno.EINVAL)
            {
                throw new EbpfNotSupportedException("BPF_LINK_GET_NEXT_ID", "5.8", errno);
            }

            errno.ThrowIfFailed(BpfCommand.LinkGetNextId);
            id = attr.NextId;
            if (sys.TryGetFdById(BpfObjectKind.Link, new GetIdAttr { Id = id }, out var fd) != Errno.None || fd is null)
            {
                continue;
            }

            LinkInfo info;
            using (fd)
            {
                info = LinkInfoReader.Read(sys, fd);
            }

            yield return info;
        }
    }

    /// <inheritdoc />
    public virtual void Update(BpfFileDescriptor newProgram)
    {
        ArgumentNullException.ThrowIfNull(newProgram);
        var fd = RequireLinkFd("BPF_LINK_UPDATE");
        using var fdUse = new FdUse(fd);
        using var newProgramUse = new FdUse(newProgram);
        Syscalls.LinkUpdate(new LinkUpdateAttr { LinkFd = fdUse.Fd, NewProgFd = newProgramUse.Fd });
    }

    /// <summary>Replaces the attached program atomically with <paramref name="newProgram"/>, as <see cref="Update(BpfFileDescriptor)"/>.</summary>
    /// <param name="newProgram">The program to run from now on; it must have the same type and attach type.</param>
    public void Update(Program newProgram)
    {
        ArgumentNullException.ThrowIfNull(newProgram);
        Update(newProgram.FileDescriptor);
    }

    /// <inheritdoc />
    public virtual void Pin(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        BpfPin.Pin(RequireLinkFd("pinning"), path, Syscalls);
        PinnedPath = path;
    }

    /// <inheritdoc />
    public virtual void Unpin()
    {
        if (PinnedPath is null)
        {
            return;
        }

        File.Delete(PinnedPath);
        PinnedPath = null;
    }

    /// <inheritdoc />
    public virtual LinkInfo Info() => LinkInfoReader.Read(Syscalls, RequireLinkFd("BPF_OBJ_GET_INFO_BY_FD"));

    /// <inheritdoc />
    public virtual void Detach()
    {
        var fd = RequireLinkFd("BPF_LINK_DETACH");
        try
        {
            using var fdUse = new FdUse(fd);
            Syscalls.LinkDetach(new LinkDetachAttr { LinkFd = fdUse.Fd });
        }
        catch (EbpfException e) when (e.Errno == Errno.EINVAL)
        {
            throw new EbpfNotSupportedException("BPF_LINK_DETACH", "5.9", e.Errno, e);
        }
        catch (EbpfNotSupportedException e)
        {
            throw new EbpfNotSupportedException("BPF_LINK_DETACH of this link type (close it instead)", null, e.Errno, e);
        }
    }

    /// <summary>Closes the attachment; the program stays attached only if the link is pinned.</summary>
    public void Dispose()
    {
        if (IsDisposed)
        {
            return;
        }

        IsDisposed = true;
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc />
    public override string ToString() => _fd is null ? GetType().Name : $"{GetType().Name} ({_fd})";

    /// <summary>Releases the descriptors; subclasses release their own state and call the base.</summary>
    /// <param name="disposing">True from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _fd?.Dispose();
        }
    }

    /// <summary>The <c>bpf_link</c> descriptor, or an exception naming <paramref name="operation"/> when there is none.</summary>
    /// <param name="operation">What needs the descriptor, for the exception message.</param>
    protected BpfFileDescriptor RequireLinkFd(string operation)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return _fd ?? throw NoBpfLink(operation);
    }

    /// <summary>
    /// The exception for <paramref name="operation"/> on an attachment without a <c>bpf_link</c>; subclasses whose
    /// attachments lack one only on older kernels name the feature and the first kernel that has it.
    /// </summary>
    /// <param name="operation">What needs the descriptor.</param>
    private protected virtual EbpfNotSupportedException NoBpfLink(string operation) =>
        new($"{operation} needs a bpf_link, and this {GetType().Name} has none (attached without BPF_LINK_CREATE)");
}
