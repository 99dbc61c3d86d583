using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// An <see cref="IBpfSyscalls"/> that adds a <see cref="BpfToken"/> to the three commands that take one
/// (<c>BPF_MAP_CREATE</c>, <c>BPF_PROG_LOAD</c>, <c>BPF_BTF_LOAD</c>: the token fd and <c>BPF_F_TOKEN_FD</c>) and
/// passes everything else to the interface it wraps unchanged. Loads with a token run over it, so their feature
/// probes, inner maps and BTF carry the token too, as libbpf's do.
/// </summary>
internal sealed class TokenSyscalls : IBpfSyscalls, ISystemCalls
{
    private readonly IBpfSyscalls _inner;

    public TokenSyscalls(IBpfSyscalls inner, BpfToken token)
    {
        _inner = inner;
        Token = token;
    }

    /// <summary>The token added.</summary>
    public BpfToken Token { get; }

    /// <summary>The interface beneath any token: what element operations may call directly.</summary>
    public static IBpfSyscalls Inner(IBpfSyscalls syscalls) => syscalls is TokenSyscalls over ? over._inner : syscalls;

    public BpfFileDescriptor MapCreate(in MapCreateAttr attr)
    {
        using var use = new FdUse(Token.FileDescriptor);
        var withToken = attr;
        withToken.MapFlags |= BpfMapFlags.TokenFd;
        withToken.MapTokenFd = (int)use.Fd;
        return _inner.MapCreate(withToken);
    }

    public BpfFileDescriptor ProgLoad(ref ProgLoadAttr attr)
    {
        using var use = new FdUse(Token.FileDescriptor);
        attr.ProgFlags |= (uint)ProgramFlags.TokenFd;
        attr.ProgTokenFd = (int)use.Fd;
        return _inner.ProgLoad(ref attr);
    }

    public BpfFileDescriptor BtfLoad(ref BtfLoadAttr attr)
    {
        using var use = new FdUse(Token.FileDescriptor);
        attr.BtfFlags |= BtfLoadAttr.TokenFdFlag;
        attr.BtfTokenFd = (int)use.Fd;
        return _inner.BtfLoad(ref attr);
    }

    public void MapLookupElem(in MapElemAttr attr) => _inner.MapLookupElem(attr);

    public Errno TryMapLookupElem(in MapElemAttr attr) => _inner.TryMapLookupElem(attr);

    public void MapUpdateElem(in MapElemAttr attr) => _inner.MapUpdateElem(attr);

    public Errno TryMapUpdateElem(in MapElemAttr attr) => _inner.TryMapUpdateElem(attr);

    public void MapDeleteElem(in MapElemAttr attr) => _inner.MapDeleteElem(attr);

    public Errno TryMapDeleteElem(in MapElemAttr attr) => _inner.TryMapDeleteElem(attr);

    public void MapGetNextKey(in MapElemAttr attr) => _inner.MapGetNextKey(attr);

    public Errno TryMapGetNextKey(in MapElemAttr attr) => _inner.TryMapGetNextKey(attr);

    public void MapLookupAndDeleteElem(in MapElemAttr attr) => _inner.MapLookupAndDeleteElem(attr);

    public Errno TryMapLookupAndDeleteElem(in MapElemAttr attr) => _inner.TryMapLookupAndDeleteElem(attr);

    public void MapFreeze(in MapFreezeAttr attr) => _inner.MapFreeze(attr);

    public Errno TryMapLookupBatch(ref MapBatchAttr attr) => _inner.TryMapLookupBatch(ref attr);

    public Errno TryMapLookupAndDeleteBatch(ref MapBatchAttr attr) => _inner.TryMapLookupAndDeleteBatch(ref attr);

    public Errno TryMapUpdateBatch(ref MapBatchAttr attr) => _inner.TryMapUpdateBatch(ref attr);

    public Errno TryMapDeleteBatch(ref MapBatchAttr attr) => _inner.TryMapDeleteBatch(ref attr);

    public void ProgTestRun(ref ProgTestRunAttr attr) => _inner.ProgTestRun(ref attr);

    public void ProgAttach(in ProgAttachAttr attr) => _inner.ProgAttach(attr);

    public void ProgDetach(in ProgAttachAttr attr) => _inner.ProgDetach(attr);

    public void ProgQuery(ref ProgQueryAttr attr) => _inner.ProgQuery(ref attr);

    public BpfFileDescriptor RawTracepointOpen(in RawTracepointOpenAttr attr) => _inner.RawTracepointOpen(attr);

    public void ObjPin(in ObjAttr attr) => _inner.ObjPin(attr);

    public BpfFileDescriptor ObjGet(in ObjAttr attr) => _inner.ObjGet(attr);

    public void ObjGetInfoByFd(ref ObjGetInfoAttr attr) => _inner.ObjGetInfoByFd(ref attr);

    public Errno TryGetNextId(BpfObjectKind kind, ref GetIdAttr attr) => _inner.TryGetNextId(kind, ref attr);

    public BpfFileDescriptor GetFdById(BpfObjectKind kind, in GetIdAttr attr) => _inner.GetFdById(kind, attr);

    public Errno TryGetFdById(BpfObjectKind kind, in GetIdAttr attr, out BpfFileDescriptor? fd) => _inner.TryGetFdById(kind, attr, out fd);

    public BpfFileDescriptor LinkCreate(in LinkCreateAttr attr) => _inner.LinkCreate(attr);

    public void LinkUpdate(in LinkUpdateAttr attr) => _inner.LinkUpdate(attr);

    public void LinkDetach(in LinkDetachAttr attr) => _inner.LinkDetach(attr);

    public BpfFileDescriptor TokenCreate(in TokenCreateAttr attr) => _inner.TokenCreate(attr);

    public BpfFileDescriptor IterCreate(in IterCreateAttr attr) => _inner.IterCreate(attr);

    private ISystemCalls System => _inner.System();

    BpfFileDescriptor ISystemCalls.PerfEventOpen(in PerfEventAttr attr, int pid, int cpu, int groupFd, ulong flags) => System.PerfEventOpen(attr, pid, cpu, groupFd, flags);

    int ISystemCalls.Ioctl(BpfFileDescriptor fd, ulong request, nint argument) => System.Ioctl(fd, request, argument);

    nint ISystemCalls.Mmap(nint address, nuint length, MmapProtection protection, MmapFlags flags, BpfFileDescriptor? fd, long offset) =>
        System.Mmap(address, length, protection, flags, fd, offset);

    void ISystemCalls.Munmap(nint address, nuint length) => System.Munmap(address, length);

    void ISystemCalls.Close(int fd) => System.Close(fd);

    ResourceLimit ISystemCalls.GetMemlockLimit() => System.GetMemlockLimit();

    void ISystemCalls.SetMemlockLimit(in ResourceLimit limit) => System.SetMemlockLimit(limit);

    BpfFileDescriptor ISystemCalls.EpollCreate() => System.EpollCreate();

    void ISystemCalls.EpollCtl(BpfFileDescriptor epoll, EpollOperation operation, BpfFileDescriptor fd, EpollEvents events, ulong data) =>
        System.EpollCtl(epoll, operation, fd, events, data);

    int ISystemCalls.EpollWait(BpfFileDescriptor epoll, Span<EpollEvent> events, int timeoutMilliseconds) => System.EpollWait(epoll, events, timeoutMilliseconds);

    BpfFileDescriptor ISystemCalls.EventFdCreate() => System.EventFdCreate();

    void ISystemCalls.EventFdWrite(BpfFileDescriptor eventFd, ulong value) => System.EventFdWrite(eventFd, value);

    ulong ISystemCalls.EventFdRead(BpfFileDescriptor eventFd) => System.EventFdRead(eventFd);

    void ISystemCalls.Mount(string source, string target, string fileSystemType, ulong flags, string? data) => System.Mount(source, target, fileSystemType, flags, data);

    BpfFileDescriptor ISystemCalls.OpenPath(string path, int flags) => System.OpenPath(path, flags);

    BpfFileDescriptor ISystemCalls.NetlinkOpen(int protocol) => System.NetlinkOpen(protocol);

    void ISystemCalls.NetlinkSend(BpfFileDescriptor socket, ReadOnlyMemory<byte> datagram) => System.NetlinkSend(socket, datagram);

    byte[] ISystemCalls.NetlinkReceive(BpfFileDescriptor socket) => System.NetlinkReceive(socket);
}
