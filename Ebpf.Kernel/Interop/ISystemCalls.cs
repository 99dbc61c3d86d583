namespace Ebpf.Kernel.Interop;

/// <summary>
/// The system calls other than bpf(2) the SDK makes (perf_event_open, ioctl, mmap, rlimits, epoll, eventfd, mount,
/// open, netlink sockets). Internal: <see cref="LinuxBpfSyscalls"/> implements it, tests mock it beside <see cref="IBpfSyscalls"/>, and
/// code reaches it with <see cref="SystemCallsAccess.System"/>.
/// </summary>
internal interface ISystemCalls
{
    /// <summary><c>perf_event_open(2)</c>. A <see cref="PerfEventAttr.Size"/> of 0 is sent as the full struct size.</summary>
    BpfFileDescriptor PerfEventOpen(in PerfEventAttr attr, int pid, int cpu, int groupFd, ulong flags);

    /// <summary><c>ioctl(2)</c> with an integer or pointer argument; returns the call's non-negative result.</summary>
    int Ioctl(BpfFileDescriptor fd, ulong request, nint argument);

    /// <summary><c>mmap(2)</c> of <paramref name="fd"/> (null for an anonymous mapping); returns the address.</summary>
    nint Mmap(nint address, nuint length, MmapProtection protection, MmapFlags flags, BpfFileDescriptor? fd, long offset);

    /// <summary><c>munmap(2)</c>.</summary>
    void Munmap(nint address, nuint length);

    /// <summary><c>close(2)</c> of a descriptor no <see cref="BpfFileDescriptor"/> owns.</summary>
    void Close(int fd);

    /// <summary><c>getrlimit(RLIMIT_MEMLOCK)</c>.</summary>
    ResourceLimit GetMemlockLimit();

    /// <summary><c>setrlimit(RLIMIT_MEMLOCK)</c>. Before Linux 5.11 maps and programs are charged against this limit.</summary>
    void SetMemlockLimit(in ResourceLimit limit);

    /// <summary><c>epoll_create1(EPOLL_CLOEXEC)</c>: a new epoll instance, used by the event readers to wait on several descriptors.</summary>
    BpfFileDescriptor EpollCreate();

    /// <summary><c>epoll_ctl(2)</c>: adds, changes or removes <paramref name="fd"/> in the set; <paramref name="data"/> comes back in <see cref="EpollEvent.Data"/>.</summary>
    void EpollCtl(BpfFileDescriptor epoll, EpollOperation operation, BpfFileDescriptor fd, EpollEvents events, ulong data);

    /// <summary>
    /// <c>epoll_wait(2)</c>: waits up to <paramref name="timeoutMilliseconds"/> (-1 forever, 0 poll) and fills
    /// <paramref name="events"/>; returns how many are ready, 0 on timeout or when a signal interrupted the wait.
    /// </summary>
    int EpollWait(BpfFileDescriptor epoll, Span<EpollEvent> events, int timeoutMilliseconds);

    /// <summary><c>eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)</c>: a counter that wakes an epoll wait when written.</summary>
    BpfFileDescriptor EventFdCreate();

    /// <summary>Adds <paramref name="value"/> to an eventfd counter (<c>write(2)</c> of 8 bytes), making it readable.</summary>
    void EventFdWrite(BpfFileDescriptor eventFd, ulong value);

    /// <summary>Reads and resets an eventfd counter (<c>read(2)</c> of 8 bytes); 0 when it was not signalled.</summary>
    ulong EventFdRead(BpfFileDescriptor eventFd);

    /// <summary><c>mount(2)</c>, e.g. of a tracefs (<c>mount -t tracefs nodev /sys/kernel/tracing</c>).</summary>
    /// <param name="source">The device or pseudo source, e.g. <c>nodev</c>.</param>
    /// <param name="target">The mount point.</param>
    /// <param name="fileSystemType">The file system type, e.g. <c>tracefs</c>.</param>
    /// <param name="flags">The <c>MS_*</c> flags.</param>
    /// <param name="data">File system options, or null.</param>
    void Mount(string source, string target, string fileSystemType, ulong flags, string? data);

    /// <summary><c>open(2)</c> with <c>O_CLOEXEC</c> added, for attach targets given by path (cgroup directories, network namespaces).</summary>
    /// <param name="path">The file or directory.</param>
    /// <param name="flags">The <c>O_*</c> flags, e.g. <c>O_RDONLY | O_DIRECTORY</c> (0x10000).</param>
    BpfFileDescriptor OpenPath(string path, int flags);

    /// <summary>
    /// <c>socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol)</c> with <c>NETLINK_EXT_ACK</c> set where the kernel has it
    /// (4.12+), in the calling thread's network namespace.
    /// </summary>
    /// <param name="protocol">The netlink family, e.g. <c>NETLINK_ROUTE</c> (0).</param>
    BpfFileDescriptor NetlinkOpen(int protocol);

    /// <summary>Sends one datagram of netlink messages to the kernel (<c>sendto(2)</c> to port id 0).</summary>
    /// <param name="socket">A socket from <see cref="NetlinkOpen"/>.</param>
    /// <param name="datagram">The messages, each with its <c>nlmsghdr</c>.</param>
    void NetlinkSend(BpfFileDescriptor socket, ReadOnlyMemory<byte> datagram);

    /// <summary>Receives the next datagram from the kernel, whole (<c>recv(2)</c>, sized with <c>MSG_PEEK | MSG_TRUNC</c>).</summary>
    /// <param name="socket">A socket from <see cref="NetlinkOpen"/>.</param>
    byte[] NetlinkReceive(BpfFileDescriptor socket);
}
