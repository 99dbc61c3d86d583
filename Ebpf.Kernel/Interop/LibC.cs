using System.Runtime.InteropServices;

namespace Ebpf.Kernel.Interop;

/// <summary>
/// The libc entry points Ebpf.Kernel calls. Every one sets errno: read it with <see cref="Marshal.GetLastPInvokeError"/>,
/// except after <see cref="Syscall4"/> (<see cref="Marshal.GetLastSystemError"/>).
/// </summary>
internal static unsafe partial class LibC
{
    private const string Library = "libc";

    /// <summary><c>F_DUPFD_CLOEXEC</c> of fcntl(2).</summary>
    public const int FDupFdCloExec = 1030;

    /// <summary><c>RLIMIT_MEMLOCK</c>.</summary>
    public const int RLimitMemlock = 8;

    /// <summary>
    /// <c>syscall(2)</c> with four arguments (bpf). Blittable and without <c>SetLastError</c>: callers read errno with
    /// <see cref="Marshal.GetLastSystemError"/> only when the result is negative, right after the call (the runtime
    /// preserves errno across its return transition, which is what the <c>SetLastError</c> stub relies on as well),
    /// so a successful call pays for no errno bookkeeping.
    /// </summary>
    [LibraryImport(Library, EntryPoint = "syscall")]
    public static partial long Syscall4(long number, long arg1, void* arg2, long arg3);

    /// <summary><c>syscall(2)</c> with five arguments (perf_event_open).</summary>
    [LibraryImport(Library, EntryPoint = "syscall", SetLastError = true)]
    public static partial long Syscall5(long number, void* arg1, long arg2, long arg3, long arg4, long arg5);

    /// <summary><c>close(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary><c>fcntl(2)</c> with an integer argument.</summary>
    [LibraryImport(Library, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    /// <summary><c>ioctl(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, ulong request, nint argument);

    /// <summary><c>mmap(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "mmap", SetLastError = true)]
    public static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    /// <summary><c>munmap(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "munmap", SetLastError = true)]
    public static partial int Munmap(nint address, nuint length);

    /// <summary><c>getrlimit(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "getrlimit", SetLastError = true)]
    public static partial int GetRLimit(int resource, ResourceLimit* limit);

    /// <summary><c>setrlimit(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "setrlimit", SetLastError = true)]
    public static partial int SetRLimit(int resource, ResourceLimit* limit);

    /// <summary><c>EPOLL_CLOEXEC</c> (= <c>O_CLOEXEC</c>).</summary>
    public const int EpollCloExec = 0x80000;

    /// <summary><c>EFD_CLOEXEC | EFD_NONBLOCK</c>.</summary>
    public const int EventFdCloExecNonBlock = 0x80000 | 0x800;

    /// <summary><c>epoll_create1(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate1(int flags);

    /// <summary><c>epoll_ctl(2)</c>; <paramref name="nativeEvent"/> points to a native <c>struct epoll_event</c>.</summary>
    [LibraryImport(Library, EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(int epfd, int operation, int fd, void* nativeEvent);

    /// <summary><c>epoll_wait(2)</c>; <paramref name="nativeEvents"/> points to native <c>struct epoll_event</c>s.</summary>
    [LibraryImport(Library, EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epfd, void* nativeEvents, int maxEvents, int timeout);

    /// <summary><c>eventfd(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    /// <summary><c>read(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, void* buffer, nuint count);

    /// <summary><c>write(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, void* buffer, nuint count);

    // Links

    /// <summary><c>O_CLOEXEC</c>.</summary>
    public const int OCloExec = 0x80000;

    /// <summary><c>mount(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "mount", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Mount(string source, string target, string fileSystemType, ulong flags, string? data);

    /// <summary><c>open(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags);

    // Netlink

    /// <summary><c>AF_NETLINK</c>.</summary>
    public const int AfNetlink = 16;

    /// <summary><c>SOCK_RAW | SOCK_CLOEXEC</c>.</summary>
    public const int SockRawCloExec = 3 | 0x80000;

    /// <summary><c>SOL_NETLINK</c>.</summary>
    public const int SolNetlink = 270;

    /// <summary><c>NETLINK_EXT_ACK</c>: errors carry the kernel's message and the offending attribute's offset (Linux 4.12+).</summary>
    public const int NetlinkExtAck = 11;

    /// <summary><c>MSG_PEEK</c>.</summary>
    public const int MsgPeek = 0x2;

    /// <summary><c>MSG_TRUNC</c>: recv(2) returns the datagram's whole length.</summary>
    public const int MsgTrunc = 0x20;

    /// <summary><c>socket(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    /// <summary><c>setsockopt(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int name, void* value, uint length);

    /// <summary><c>sendto(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "sendto", SetLastError = true)]
    public static partial nint SendTo(int fd, void* buffer, nuint length, int flags, void* address, uint addressLength);

    /// <summary><c>recv(2)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(int fd, void* buffer, nuint length, int flags);
}
