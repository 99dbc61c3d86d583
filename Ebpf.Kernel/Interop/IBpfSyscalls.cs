using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel.Interop;

/// <summary>
/// The one interface through which Ebpf touches the kernel: the bpf(2) commands, each with its
/// <c>union bpf_attr</c> variant, and nothing else: mmap, epoll, perf_event_open and the other system calls the SDK makes are its own business.
/// <para>
/// Attribute structs hold raw addresses and descriptor numbers: callers pin what they point to and keep the
/// <see cref="BpfFileDescriptor"/>s alive for the duration of the call. Attributes the kernel writes back
/// are passed by <c>ref</c>.
/// </para>
/// <para>
/// Methods without a <c>Try</c> prefix throw on failure: <see cref="EbpfPermissionException"/> (EPERM/EACCES),
/// <see cref="EbpfKeyNotFoundException"/> (ENOENT of element commands), <see cref="EbpfVerifierException"/>
/// (rejected program or BTF), <see cref="EbpfNotSupportedException"/> (EOPNOTSUPP) or <see cref="EbpfException"/>.
/// <c>Try</c> methods never throw for a kernel error: they return <see cref="Errno.None"/> or the error number, so a
/// missing key costs no exception (<see cref="ErrnoExtensions.ToException"/> converts the others).
/// </para>
/// </summary>
public interface IBpfSyscalls
{
    /// <summary><c>BPF_MAP_CREATE</c>.</summary>
    BpfFileDescriptor MapCreate(in MapCreateAttr attr);

    /// <summary><c>BPF_MAP_LOOKUP_ELEM</c>: copies the value of <see cref="MapElemAttr.Key"/> to <see cref="MapElemAttr.Value"/>.</summary>
    /// <exception cref="EbpfKeyNotFoundException">No element has the key.</exception>
    void MapLookupElem(in MapElemAttr attr);

    /// <summary><c>BPF_MAP_LOOKUP_ELEM</c>; <see cref="Errno.ENOENT"/> when no element has the key.</summary>
    Errno TryMapLookupElem(in MapElemAttr attr);

    /// <summary><c>BPF_MAP_UPDATE_ELEM</c>.</summary>
    void MapUpdateElem(in MapElemAttr attr);

    /// <summary><c>BPF_MAP_UPDATE_ELEM</c>; EEXIST (<see cref="BpfElemFlags.NoExist"/>), ENOENT (<see cref="BpfElemFlags.Exist"/>) and E2BIG (full) are ordinary results.</summary>
    Errno TryMapUpdateElem(in MapElemAttr attr);

    /// <summary><c>BPF_MAP_DELETE_ELEM</c>.</summary>
    /// <exception cref="EbpfKeyNotFoundException">No element has the key.</exception>
    void MapDeleteElem(in MapElemAttr attr);

    /// <summary><c>BPF_MAP_DELETE_ELEM</c>; <see cref="Errno.ENOENT"/> when no element has the key.</summary>
    Errno TryMapDeleteElem(in MapElemAttr attr);

    /// <summary><c>BPF_MAP_GET_NEXT_KEY</c>: writes the key after <see cref="MapElemAttr.Key"/> (the first key when it is 0 or missing) to <see cref="MapElemAttr.NextKey"/>.</summary>
    /// <exception cref="EbpfKeyNotFoundException">The key was the last one.</exception>
    void MapGetNextKey(in MapElemAttr attr);

    /// <summary><c>BPF_MAP_GET_NEXT_KEY</c>; <see cref="Errno.ENOENT"/> after the last key.</summary>
    Errno TryMapGetNextKey(in MapElemAttr attr);

    /// <summary><c>BPF_MAP_LOOKUP_AND_DELETE_ELEM</c> (also pops queues and stacks).</summary>
    /// <exception cref="EbpfKeyNotFoundException">No element has the key, or the queue or stack is empty.</exception>
    void MapLookupAndDeleteElem(in MapElemAttr attr);

    /// <summary><c>BPF_MAP_LOOKUP_AND_DELETE_ELEM</c>; <see cref="Errno.ENOENT"/> when there is no such element.</summary>
    Errno TryMapLookupAndDeleteElem(in MapElemAttr attr);

    /// <summary><c>BPF_MAP_FREEZE</c>: makes the map read-only for user space.</summary>
    void MapFreeze(in MapFreezeAttr attr);

    /// <summary><c>BPF_MAP_LOOKUP_BATCH</c>. <see cref="MapBatchAttr.Count"/> is updated even on failure; <see cref="Errno.ENOENT"/> means the map has no more elements.</summary>
    Errno TryMapLookupBatch(ref MapBatchAttr attr);

    /// <summary><c>BPF_MAP_LOOKUP_AND_DELETE_BATCH</c>; results as <see cref="TryMapLookupBatch"/>.</summary>
    Errno TryMapLookupAndDeleteBatch(ref MapBatchAttr attr);

    /// <summary><c>BPF_MAP_UPDATE_BATCH</c>. <see cref="MapBatchAttr.Count"/> is updated with the number of elements written.</summary>
    Errno TryMapUpdateBatch(ref MapBatchAttr attr);

    /// <summary><c>BPF_MAP_DELETE_BATCH</c>. <see cref="MapBatchAttr.Count"/> is updated with the number of elements deleted.</summary>
    Errno TryMapDeleteBatch(ref MapBatchAttr attr);

    /// <summary><c>BPF_PROG_LOAD</c>.</summary>
    /// <exception cref="EbpfVerifierException">The verifier rejected the program; its log is attached when <see cref="ProgLoadAttr.LogBuf"/> was given,
    /// and <see cref="EbpfVerifierException.LogTrueSize"/> carries <see cref="ProgLoadAttr.LogTrueSize"/> (Linux 6.4+).</exception>
    BpfFileDescriptor ProgLoad(ref ProgLoadAttr attr);

    /// <summary><c>BPF_PROG_TEST_RUN</c> (<c>BPF_PROG_RUN</c>): runs the program on the given input and writes the results back.</summary>
    void ProgTestRun(ref ProgTestRunAttr attr);

    /// <summary><c>BPF_PROG_ATTACH</c>.</summary>
    void ProgAttach(in ProgAttachAttr attr);

    /// <summary><c>BPF_PROG_DETACH</c>.</summary>
    void ProgDetach(in ProgAttachAttr attr);

    /// <summary><c>BPF_PROG_QUERY</c>.</summary>
    void ProgQuery(ref ProgQueryAttr attr);

    /// <summary><c>BPF_RAW_TRACEPOINT_OPEN</c>: attaches a raw tracepoint (or BTF-typed tracing) program; the result is a link.</summary>
    BpfFileDescriptor RawTracepointOpen(in RawTracepointOpenAttr attr);

    /// <summary><c>BPF_OBJ_PIN</c>: pins <see cref="ObjAttr.BpfFd"/> at <see cref="ObjAttr.Pathname"/> on a bpffs.</summary>
    void ObjPin(in ObjAttr attr);

    /// <summary><c>BPF_OBJ_GET</c>: opens the object pinned at <see cref="ObjAttr.Pathname"/>.</summary>
    BpfFileDescriptor ObjGet(in ObjAttr attr);

    /// <summary><c>BPF_OBJ_GET_INFO_BY_FD</c>: fills the info buffer and sets <see cref="ObjGetInfoAttr.InfoLen"/> to the bytes written.</summary>
    void ObjGetInfoByFd(ref ObjGetInfoAttr attr);

    /// <summary><c>BPF_PROG_GET_NEXT_ID</c>, <c>BPF_MAP_GET_NEXT_ID</c>, <c>BPF_LINK_GET_NEXT_ID</c> or <c>BPF_BTF_GET_NEXT_ID</c>: sets <see cref="GetIdAttr.NextId"/>; <see cref="Errno.ENOENT"/> after the last id.</summary>
    Errno TryGetNextId(BpfObjectKind kind, ref GetIdAttr attr);

    /// <summary><c>BPF_*_GET_FD_BY_ID</c>: opens the object with id <see cref="GetIdAttr.Id"/>.</summary>
    BpfFileDescriptor GetFdById(BpfObjectKind kind, in GetIdAttr attr);

    /// <summary><c>BPF_*_GET_FD_BY_ID</c>; <see cref="Errno.ENOENT"/> when the object is gone.</summary>
    Errno TryGetFdById(BpfObjectKind kind, in GetIdAttr attr, out BpfFileDescriptor? fd);

    /// <summary><c>BPF_BTF_LOAD</c>.</summary>
    /// <exception cref="EbpfVerifierException">The kernel rejected the BTF; its log is attached when <see cref="BtfLoadAttr.BtfLogBuf"/> was given.</exception>
    BpfFileDescriptor BtfLoad(ref BtfLoadAttr attr);

    /// <summary><c>BPF_LINK_CREATE</c>.</summary>
    BpfFileDescriptor LinkCreate(in LinkCreateAttr attr);

    /// <summary><c>BPF_LINK_UPDATE</c>: replaces the link's program.</summary>
    void LinkUpdate(in LinkUpdateAttr attr);

    /// <summary><c>BPF_LINK_DETACH</c>: detaches the link without closing it.</summary>
    void LinkDetach(in LinkDetachAttr attr);

    /// <summary><c>BPF_TOKEN_CREATE</c> (Linux 6.9+): creates a BPF token from a delegated bpffs (see <see cref="BpfToken"/>).</summary>
    BpfFileDescriptor TokenCreate(in TokenCreateAttr attr);

    /// <summary><c>BPF_ITER_CREATE</c>: opens a new read-only descriptor over an iterator link; each read runs the iterator program.</summary>
    BpfFileDescriptor IterCreate(in IterCreateAttr attr);
}
