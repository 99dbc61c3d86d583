using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel.Interop;

/// <summary>
/// <see cref="IBpfSyscalls"/> over the real kernel: <c>syscall(__NR_bpf, cmd, attr, size)</c> through libc.
/// Retries EINTR, and EAGAIN of <c>BPF_PROG_LOAD</c> (a signal interrupted the verifier); maps error numbers to
/// the exceptions <see cref="ErrnoExtensions.ToException"/> documents. Thread-safe and stateless.
/// </summary>
public sealed unsafe class LinuxBpfSyscalls : IBpfSyscalls, ISystemCalls
{
    private const int MaxInterruptRetries = 100;
    private const int MaxProgLoadAgainRetries = 5;

    /// <summary>The shared instance.</summary>
    public static LinuxBpfSyscalls Instance { get; } = new();

    /// <inheritdoc />
    public BpfFileDescriptor MapCreate(in MapCreateAttr attr)
    {
        MemlockAccounting.Running.RaiseOnce();
        return NewFd(BpfIn(BpfCommand.MapCreate, attr));
    }

    /// <inheritdoc />
    public void MapLookupElem(in MapElemAttr attr) => TryMapLookupElem(attr).ThrowIfFailed(BpfCommand.MapLookupElem);

    /// <inheritdoc />
    public Errno TryMapLookupElem(in MapElemAttr attr) => TryBpfIn(BpfCommand.MapLookupElem, attr, out _);

    /// <inheritdoc />
    public void MapUpdateElem(in MapElemAttr attr) => TryMapUpdateElem(attr).ThrowIfFailed(BpfCommand.MapUpdateElem);

    /// <inheritdoc />
    public Errno TryMapUpdateElem(in MapElemAttr attr) => TryBpfIn(BpfCommand.MapUpdateElem, attr, out _);

    /// <inheritdoc />
    public void MapDeleteElem(in MapElemAttr attr) => TryMapDeleteElem(attr).ThrowIfFailed(BpfCommand.MapDeleteElem);

    /// <inheritdoc />
    public Errno TryMapDeleteElem(in MapElemAttr attr) => TryBpfIn(BpfCommand.MapDeleteElem, attr, out _);

    /// <inheritdoc />
    public void MapGetNextKey(in MapElemAttr attr) => TryMapGetNextKey(attr).ThrowIfFailed(BpfCommand.MapGetNextKey);

    /// <inheritdoc />
    public Errno TryMapGetNextKey(in MapElemAttr attr) => TryBpfIn(BpfCommand.MapGetNextKey, attr, out _);

    /// <inheritdoc />
    public void MapLookupAndDeleteElem(in MapElemAttr attr) =>
        TryMapLookupAndDeleteElem(attr).ThrowIfFailed(BpfCommand.MapLookupAndDeleteElem);

    /// <inheritdoc />
    public Errno TryMapLookupAndDeleteElem(in MapElemAttr attr) => TryBpfIn(BpfCommand.MapLookupAndDeleteElem, attr, out _);

    /// <inheritdoc />
    public void MapFreeze(in MapFreezeAttr attr) => BpfIn(BpfCommand.MapFreeze, attr);

    /// <inheritdoc />
    public Errno TryMapLookupBatch(ref MapBatchAttr attr) => TryBpfRef(BpfCommand.MapLookupBatch, ref attr, out _);

    /// <inheritdoc />
    public Errno TryMapLookupAndDeleteBatch(ref MapBatchAttr attr) => TryBpfRef(BpfCommand.MapLookupAndDeleteBatch, ref attr, out _);

    /// <inheritdoc />
    public Errno TryMapUpdateBatch(ref MapBatchAttr attr) => TryBpfRef(BpfCommand.MapUpdateBatch, ref attr, out _);

    /// <inheritdoc />
    public Errno TryMapDeleteBatch(ref MapBatchAttr attr) => TryBpfRef(BpfCommand.MapDeleteBatch, ref attr, out _);

    /// <inheritdoc />
    public BpfFileDescriptor ProgLoad(ref ProgLoadAttr attr)
    {
        MemlockAccounting.Running.RaiseOnce();
        var errno = TryBpfRef(BpfCommand.ProgLoad, ref attr, out long fd);
        if (errno == Errno.None)
        {
            return NewFd(fd);
        }

        throw LoadFailure(BpfCommand.ProgLoad, errno, attr.LogBuf, attr.LogSize, attr.LogLevel, attr.LogTrueSize);
    }

    /// <inheritdoc />
    public void ProgTestRun(ref ProgTestRunAttr attr) => TryBpfRef(BpfCommand.ProgTestRun, ref attr, out _).ThrowIfFailed(BpfCommand.ProgTestRun);

    /// <inheritdoc />
    public void ProgAttach(in ProgAttachAttr attr) => BpfIn(BpfCommand.ProgAttach, attr);

    /// <inheritdoc />
    public void ProgDetach(in ProgAttachAttr attr) => BpfIn(BpfCommand.ProgDetach, attr);

    /// <inheritdoc />
    public void ProgQuery(ref ProgQueryAttr attr) => TryBpfRef(BpfCommand.ProgQuery, ref attr, out _).ThrowIfFailed(BpfCommand.ProgQuery);

    /// <inheritdoc />
    public BpfFileDescriptor RawTracepointOpen(in RawTracepointOpenAttr attr) => NewFd(BpfIn(BpfCommand.RawTracepointOpen, attr));

    /// <inheritdoc />
    public void ObjPin(in ObjAttr attr) => BpfIn(BpfCommand.ObjPin, attr);

    /// <inheritdoc />
    public BpfFileDescriptor ObjGet(in ObjAttr attr) => NewFd(BpfIn(BpfCommand.ObjGet, attr));

    /// <inheritdoc />
    public void ObjGetInfoByFd(ref ObjGetInfoAttr attr) =>
        TryBpfRef(BpfCommand.ObjGetInfoByFd, ref attr, out _).ThrowIfFailed(BpfCommand.ObjGetInfoByFd);

    /// <inheritdoc />
    public Errno TryGetNextId(BpfObjectKind kind, ref GetIdAttr attr) => TryBpfRef(NextIdCommand(kind), ref attr, out _);

    /// <inheritdoc />
    public BpfFileDescriptor GetFdById(BpfObjectKind kind, in GetIdAttr attr) => NewFd(BpfIn(FdByIdCommand(kind), attr));

    /// <inheritdoc />
    public Errno TryGetFdById(BpfObjectKind kind, in GetIdAttr attr, out BpfFileDescriptor? fd)
    {
        var errno = TryBpfIn(FdByIdCommand(kind), attr, out long result);
        fd = errno == Errno.None ? NewFd(result) : null;
        return errno;
    }

    /// <inheritdoc />
    public BpfFileDescriptor BtfLoad(ref BtfLoadAttr attr)
    {
        MemlockAccounting.Running.RaiseOnce();
        var errno = TryBpfRef(BpfCommand.BtfLoad, ref attr, out long fd);
        if (errno == Errno.None)
        {
            return NewFd(fd);
        }

        throw LoadFailure(BpfCommand.BtfLoad, errno, attr.BtfLogBuf, attr.BtfLogSize, attr.BtfLogLevel, attr.BtfLogTrueSize);
    }

    /// <inheritdoc />
    public BpfFileDescriptor LinkCreate(in LinkCreateAttr attr) => NewFd(BpfIn(BpfCommand.LinkCreate, attr));

    /// <inheritdoc />
    public void LinkUpdate(in LinkUpdateAttr attr) => BpfIn(BpfCommand.LinkUpdate, attr);

    /// <inheritdoc />
    public void LinkDetach(in LinkDetachAttr attr) => BpfIn(BpfCommand.LinkDetach, attr);

    /// <inheritdoc />
    BpfFileDescriptor ISystemCalls.PerfEventOpen(in PerfEventAttr attr, int pid, int cpu, int groupFd, ulong flags)
    {
        var copy = attr;
        if (copy.Size == 0)
        {
            copy.Size = (uint)sizeof(PerfEventAttr);
        }

        long fd;
        Errno errno;
        int tries = 0;
        do
        {
            fd = LibC.Syscall5(SyscallNumbers.PerfEventOpen, &copy, pid, cpu, groupFd, (long)flags);
            errno = fd < 0 ? (Errno)Marshal.GetLastPInvokeError() : Errno.None;
        }
        while (errno == Errno.EINTR && ++tries < MaxInterruptRetries);

        if (errno != Errno.None)
        {
            throw errno is Errno.EPERM or Errno.EACCES
                ? new EbpfPermissionException("perf_event_open", errno)
                : new EbpfException("perf_event_open", errno);
        }

        return NewFd(fd);
    }

    /// <inheritdoc />
    int ISystemCalls.Ioctl(BpfFileDescriptor fd, ulong request, nint argument)
    {
        ArgumentNullException.ThrowIfNull(fd);
        using var use = new FdUse(fd);
        int result;
        Errno errno;
        int tries = 0;
        do
        {
            result = LibC.Ioctl((int)use.Fd, request, argument);
            errno = result < 0 ? (Errno)Marshal.GetLastPInvokeError() : Errno.None;
        }
        while (errno == Errno.EINTR && ++tries < MaxInterruptRetries);

        return errno == Errno.None ? result : throw new EbpfException("ioctl", errno, $"request 0x{request:x}");
    }

    /// <inheritdoc />
    nint ISystemCalls.Mmap(nint address, nuint length, MmapProtection protection, MmapFlags flags, BpfFileDescriptor? fd, long offset)
    {
        using var use = FdUse.Optional(fd);
        nint result = LibC.Mmap(address, length, (int)protection, (int)flags, fd is null ? -1 : (int)use.Fd, offset);
        if (result == -1)
        {
            var errno = (Errno)Marshal.GetLastPInvokeError();
            throw errno is Errno.EPERM or Errno.EACCES ? new EbpfPermissionException("mmap", errno) : new EbpfException("mmap", errno);
        }

        return result;
    }

    /// <inheritdoc />
    void ISystemCalls.Munmap(nint address, nuint length)
    {
        if (LibC.Munmap(address, length) != 0)
        {
            throw new EbpfException("munmap", (Errno)Marshal.GetLastPInvokeError());
        }
    }

    /// <inheritdoc />
    void ISystemCalls.Close(int fd)
    {
        if (LibC.Close(fd) != 0)
        {
            throw new EbpfException("close", (Errno)Marshal.GetLastPInvokeError());
        }
    }

    /// <inheritdoc />
    ResourceLimit ISystemCalls.GetMemlockLimit()
    {
        ResourceLimit limit;
        if (LibC.GetRLimit(LibC.RLimitMemlock, &limit) != 0)
        {
            throw new EbpfException("getrlimit(RLIMIT_MEMLOCK)", (Errno)Marshal.GetLastPInvokeError());
        }

        return limit;
    }

    /// <inheritdoc />
    void ISystemCalls.SetMemlockLimit(in ResourceLimit limit)
    {
        var copy = limit;
        if (LibC.SetRLimit(LibC.RLimitMemlock, &copy) != 0)
        {
            var errno = (Errno)Marshal.GetLastPInvokeError();
            throw errno == Errno.EPERM
                ? new EbpfPermissionException("setrlimit(RLIMIT_MEMLOCK)", errno, "raising the hard limit needs CAP_SYS_RESOURCE")
                : new EbpfException("setrlimit(RLIMIT_MEMLOCK)", errno);
        }
    }

    /// <inheritdoc />
    BpfFileDescriptor ISystemCalls.EpollCreate()
    {
        int fd = LibC.EpollCreate1(LibC.EpollCloExec);
        return fd >= 0 ? NewFd(fd) : throw new EbpfException("epoll_create1", (Errno)Marshal.GetLastPInvokeError());
    }

    /// <inheritdoc />
    void ISystemCalls.EpollCtl(BpfFileDescriptor epoll, EpollOperation operation, BpfFileDescriptor fd, EpollEvents events, ulong data)
    {
        ArgumentNullException.ThrowIfNull(epoll);
        ArgumentNullException.ThrowIfNull(fd);
        byte* native = stackalloc byte[NativeEpollEventSize];
        WriteEpollEvent(native, events, data);
        using var epollUse = new FdUse(epoll);
        using var fdUse = new FdUse(fd);
        if (LibC.EpollCtl((int)epollUse.Fd, (int)operation, (int)fdUse.Fd, native) != 0)
        {
            throw new EbpfException("epoll_ctl", (Errno)Marshal.GetLastPInvokeError(), $"{operation} {fd}");
        }
    }

    /// <inheritdoc />
    int ISystemCalls.EpollWait(BpfFileDescriptor epoll, Span<EpollEvent> events, int timeoutMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(epoll);
        const int MaxBatch = 64;
        int max = Math.Min(events.Length, MaxBatch);
        if (max == 0)
        {
            throw new ArgumentException("at least one event slot is needed", nameof(events));
        }

        byte* native = stackalloc byte[MaxBatch * NativeEpollEventSize];
        int count;
        using (var use = new FdUse(epoll))
        {
            count = LibC.EpollWait((int)use.Fd, native, max, timeoutMilliseconds);
        }

        if (count < 0)
        {
            var errno = (Errno)Marshal.GetLastPInvokeError();
            return errno == Errno.EINTR ? 0 : throw new EbpfException("epoll_wait", errno);
        }

        for (int i = 0; i < count; i++)
        {
            events[i] = ReadEpollEvent(native + (i * NativeEpollEventSize));
        }

        return count;
    }

    /// <inheritdoc />
    BpfFileDescriptor ISystemCalls.EventFdCreate()
    {
        int fd = LibC.EventFd(0, LibC.EventFdCloExecNonBlock);
        return fd >= 0 ? NewFd(fd) : throw new EbpfException("eventfd", (Errno)Marshal.GetLastPInvokeError());
    }

    /// <inheritdoc />
    void ISystemCalls.EventFdWrite(BpfFileDescriptor eventFd, ulong value)
    {
        ArgumentNullException.ThrowIfNull(eventFd);
        nint written;
        Errno errno;
        int tries = 0;
        using (var use = new FdUse(eventFd))
        {
            do
            {
                written = LibC.Write((int)use.Fd, &value, sizeof(ulong));
                errno = written < 0 ? (Errno)Marshal.GetLastPInvokeError() : Errno.None;
            }
            while (errno == Errno.EINTR && ++tries < MaxInterruptRetries);
        }

        // EAGAIN: the counter is at its maximum, so the descriptor is readable already.
        if (errno is not Errno.None and not Errno.EAGAIN)
        {
            throw new EbpfException("write(eventfd)", errno);
        }
    }

    /// <inheritdoc />
    ulong ISystemCalls.EventFdRead(BpfFileDescriptor eventFd)
    {
        ArgumentNullException.ThrowIfNull(eventFd);
        ulong value = 0;
        nint read;
        Errno errno;
        int tries = 0;
        using (var use = new FdUse(eventFd))
        {
            do
            {
                read = LibC.Read((int)use.Fd, &value, sizeof(ulong));
                errno = read < 0 ? (Errno)Marshal.GetLastPInvokeError() : Errno.None;
            }
            while (errno == Errno.EINTR && ++tries < MaxInterruptRetries);
        }
        return errno switch
        {
            Errno.None => value,
            Errno.EAGAIN => 0,
            _ => throw new EbpfException("read(eventfd)", errno),
        };
    }

    /// <summary>Size of the native <c>struct epoll_event</c>: packed (12 bytes) on x86-64, 16 bytes elsewhere.</summary>
    private static int NativeEpollEventSize => RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    private static void WriteEpollEvent(byte* native, EpollEvents events, ulong data)
    {
        *(uint*)native = (uint)events;
        *(uint*)(native + 4) = 0;
        if (NativeEpollEventSize == 12)
        {
            Unsafe.WriteUnaligned(native + 4, data);
        }
        else
        {
            *(ulong*)(native + 8) = data;
        }
    }

    private static EpollEvent ReadEpollEvent(byte* native) =>
        new((EpollEvents)(*(uint*)native), NativeEpollEventSize == 12 ? Unsafe.ReadUnaligned<ulong>(native + 4) : *(ulong*)(native + 8));

    /// <summary>Loads a probe program and closes it at once; returns the error number (<see cref="MemlockAccounting"/>).</summary>
    internal static Errno TryLoadProbe(ref ProgLoadAttr attr)
    {
        var errno = TryBpfRef(BpfCommand.ProgLoad, ref attr, out long fd);
        if (errno == Errno.None)
        {
            LibC.Close((int)fd);
        }

        return errno;
    }

    /// <summary>Runs a bpf(2) command whose attributes the kernel only reads; throws on failure.</summary>
    private static long BpfIn<T>(BpfCommand command, in T attr)
        where T : unmanaged
    {
        var errno = TryBpfIn(command, attr, out long result);
        return errno == Errno.None ? result : throw errno.ToException(command);
    }

    /// <summary>Runs a bpf(2) command whose attributes the kernel only reads.</summary>
    private static Errno TryBpfIn<T>(BpfCommand command, in T attr, out long result)
        where T : unmanaged
    {
        fixed (T* p = &attr)
        {
            return Invoke(command, p, sizeof(T), out result);
        }
    }

    /// <summary>Runs a bpf(2) command that writes results back into its attributes.</summary>
    private static Errno TryBpfRef<T>(BpfCommand command, ref T attr, out long result)
        where T : unmanaged
    {
        fixed (T* p = &attr)
        {
            return Invoke(command, p, sizeof(T), out result);
        }
    }

    private static Errno Invoke(BpfCommand command, void* attr, int size, out long result)
    {
        result = LibC.Syscall4(SyscallNumbers.Bpf, (long)command, attr, size);
        return result >= 0 ? Errno.None : Failed(command, attr, size, ref result);
    }

    /// <summary>
    /// An element command (<c>BPF_MAP_*_ELEM</c>, <c>BPF_MAP_GET_NEXT_KEY</c>) for <see cref="Map"/>'s hot path: a
    /// direct call, no interface dispatch, errno read only on failure. Retries EINTR like the others.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Errno MapElem(BpfCommand command, MapElemAttr* attr)
    {
        long result = LibC.Syscall4(SyscallNumbers.Bpf, (long)command, attr, sizeof(MapElemAttr));
        return result >= 0 ? Errno.None : Failed(command, attr, sizeof(MapElemAttr), ref result);
    }

    /// <summary>
    /// The failure path of a bpf(2) call: reads errno (first, before anything else can change it), retries EINTR, and
    /// EAGAIN of <c>BPF_PROG_LOAD</c>; returns the final error number.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Errno Failed(BpfCommand command, void* attr, int size, ref long result)
    {
        var errno = (Errno)Marshal.GetLastSystemError();
        if (SyscallNumbers.Bpf < 0)
        {
            throw new PlatformNotSupportedException($"bpf(2) has no known system call number on {RuntimeInformation.ProcessArchitecture}");
        }

        int interrupted = 0;
        int again = 0;
        while ((errno == Errno.EINTR && ++interrupted < MaxInterruptRetries)
            || (errno == Errno.EAGAIN && command == BpfCommand.ProgLoad && ++again < MaxProgLoadAgainRetries))
        {
            result = LibC.Syscall4(SyscallNumbers.Bpf, (long)command, attr, size);
            if (result >= 0)
            {
                return Errno.None;
            }

            errno = (Errno)Marshal.GetLastSystemError();
        }

        return errno;
    }

    /// <summary>
    /// Wraps a new descriptor. A descriptor 0 (possible when stdin is closed) is moved up, because several
    /// bpf_attr fields read 0 as "none".
    /// </summary>
    private static BpfFileDescriptor NewFd(long fd)
    {
        if (fd == 0)
        {
            int moved = LibC.Fcntl(0, LibC.FDupFdCloExec, 1);
            var errno = (Errno)Marshal.GetLastPInvokeError();
            LibC.Close(0);
            if (moved < 0)
            {
                throw new EbpfException("fcntl(F_DUPFD_CLOEXEC)", errno);
            }

            fd = moved;
        }

        return new BpfFileDescriptor(checked((int)fd));
    }

    private static Exception LoadFailure(BpfCommand command, Errno errno, ulong logBuf, uint logSize, uint logLevel, uint logTrueSize)
    {
        string log = logBuf != 0 && logSize != 0 && logLevel != 0 ? ReadLog((byte*)logBuf, (int)logSize) : string.Empty;
        if (errno == Errno.EPERM)
        {
            return new EbpfPermissionException(command, errno, log.Length == 0 ? null : LastLine(log));
        }

        if (log.Length > 0 || errno is Errno.EACCES or Errno.EINVAL or Errno.ENOSPC or Errno.E2BIG) // E2BIG: too complex
        {
            return new EbpfVerifierException(command, errno, log, errno == Errno.ENOSPC) { LogTrueSize = logTrueSize };
        }

        return errno.ToException(command);
    }

    private static string ReadLog(byte* buffer, int size)
    {
        var bytes = new ReadOnlySpan<byte>(buffer, size);
        int end = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
    }

    private static string LastLine(string log)
    {
        var trimmed = log.TrimEnd('\n', ' ');
        int nl = trimmed.LastIndexOf('\n');
        return nl < 0 ? trimmed : trimmed[(nl + 1)..];
    }

    private static BpfCommand NextIdCommand(BpfObjectKind kind) => kind switch
    {
        BpfObjectKind.Program => BpfCommand.ProgGetNextId,
        BpfObjectKind.Map => BpfCommand.MapGetNextId,
        BpfObjectKind.Link => BpfCommand.LinkGetNextId,
        BpfObjectKind.Btf => BpfCommand.BtfGetNextId,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static BpfCommand FdByIdCommand(BpfObjectKind kind) => kind switch
    {
        BpfObjectKind.Program => BpfCommand.ProgGetFdById,
        BpfObjectKind.Map => BpfCommand.MapGetFdById,
        BpfObjectKind.Link => BpfCommand.LinkGetFdById,
        BpfObjectKind.Btf => BpfCommand.BtfGetFdById,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    // Links

    /// <inheritdoc />
    public BpfFileDescriptor TokenCreate(in TokenCreateAttr attr) => NewFd(BpfIn(BpfCommand.TokenCreate, attr));

    /// <inheritdoc />
    public BpfFileDescriptor IterCreate(in IterCreateAttr attr) => NewFd(BpfIn(BpfCommand.IterCreate, attr));

    /// <inheritdoc />
    void ISystemCalls.Mount(string source, string target, string fileSystemType, ulong flags, string? data)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(fileSystemType);
        if (LibC.Mount(source, target, fileSystemType, flags, data) != 0)
        {
            var errno = (Errno)Marshal.GetLastPInvokeError();
            string what = $"mount -t {fileSystemType} {source} {target}";
            throw errno is Errno.EPERM or Errno.EACCES ? new EbpfPermissionException("mount", errno, what) : new EbpfException("mount", errno, what);
        }
    }

    /// <inheritdoc />
    BpfFileDescriptor ISystemCalls.OpenPath(string path, int flags)
    {
        ArgumentNullException.ThrowIfNull(path);
        int fd;
        Errno errno;
        int tries = 0;
        do
        {
            fd = LibC.Open(path, flags | LibC.OCloExec);
            errno = fd < 0 ? (Errno)Marshal.GetLastPInvokeError() : Errno.None;
        }
        while (errno == Errno.EINTR && ++tries < MaxInterruptRetries);

        if (errno != Errno.None)
        {
            throw errno is Errno.EPERM or Errno.EACCES ? new EbpfPermissionException("open", errno, path) : new EbpfException("open", errno, path);
        }

        return NewFd(fd);
    }

    /// <inheritdoc />
    BpfFileDescriptor ISystemCalls.NetlinkOpen(int protocol)
    {
        int fd = LibC.Socket(LibC.AfNetlink, LibC.SockRawCloExec, protocol);
        if (fd < 0)
        {
            var errno = (Errno)Marshal.GetLastPInvokeError();
            throw errno is Errno.EPERM or Errno.EACCES
                ? new EbpfPermissionException("socket(AF_NETLINK)", errno)
                : new EbpfException("socket(AF_NETLINK)", errno, $"protocol {protocol}");
        }

        var socket = NewFd(fd);
        int on = 1;
        using (var use = new FdUse(socket))
        {
            // Before 4.12 there are no extended acknowledgements (ENOPROTOOPT); errors then carry only their number.
            _ = LibC.SetSockOpt((int)use.Fd, LibC.SolNetlink, LibC.NetlinkExtAck, &on, sizeof(int));
        }

        return socket;
    }

    /// <inheritdoc />
    void ISystemCalls.NetlinkSend(BpfFileDescriptor socket, ReadOnlyMemory<byte> datagram)
    {
        ArgumentNullException.ThrowIfNull(socket);
        byte* address = stackalloc byte[12]; // struct sockaddr_nl: the kernel is port id 0, no groups
        new Span<byte>(address, 12).Clear();
        *(ushort*)address = LibC.AfNetlink;
        using var use = new FdUse(socket);
        fixed (byte* p = datagram.Span)
        {
            nint sent;
            Errno errno;
            int tries = 0;
            do
            {
                sent = LibC.SendTo((int)use.Fd, p, (nuint)datagram.Length, 0, address, 12);
                errno = sent < 0 ? (Errno)Marshal.GetLastPInvokeError() : Errno.None;
            }
            while (errno == Errno.EINTR && ++tries < MaxInterruptRetries);

            if (errno != Errno.None)
            {
                throw new EbpfException("sendto(AF_NETLINK)", errno);
            }
        }
    }

    /// <inheritdoc />
    byte[] ISystemCalls.NetlinkReceive(BpfFileDescriptor socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        using var use = new FdUse(socket);
        byte probe;
        int length = (int)Receive((int)use.Fd, &probe, 1, LibC.MsgPeek | LibC.MsgTrunc);
        var datagram = new byte[length];
        fixed (byte* p = datagram)
        {
            int received = (int)Receive((int)use.Fd, p, (nuint)Math.Max(length, 1), 0);
            return received == length ? datagram : datagram[..received];
        }
    }

    private static nint Receive(int fd, byte* buffer, nuint length, int flags)
    {
        nint received;
        Errno errno;
        int tries = 0;
        do
        {
            received = LibC.Recv(fd, buffer, length, flags);
            errno = received < 0 ? (Errno)Marshal.GetLastPInvokeError() : Errno.None;
        }
        while (errno == Errno.EINTR && ++tries < MaxInterruptRetries);

        return errno == Errno.None ? received : throw new EbpfException("recv(AF_NETLINK)", errno);
    }
}
