namespace Ebpf.Kernel;

/// <summary>
/// Linux error numbers (generic numbering, as on x86-64, arm64 and riscv64) that bpf(2) and the calls around it
/// return. <see cref="None"/> means success. Values not listed here still round-trip as numbers.
/// </summary>
public enum Errno
{
    /// <summary>Success.</summary>
    None = 0,
    /// <summary>Operation not permitted: missing capability, or (before Linux 5.11) RLIMIT_MEMLOCK too low.</summary>
    EPERM = 1,
    /// <summary>No such file or directory; for maps, no such key or no next key.</summary>
    ENOENT = 2,
    /// <summary>No such process.</summary>
    ESRCH = 3,
    /// <summary>Interrupted system call.</summary>
    EINTR = 4,
    /// <summary>I/O error.</summary>
    EIO = 5,
    /// <summary>No such device or address.</summary>
    ENXIO = 6,
    /// <summary>Argument list too long; for bpf(2), an attribute the kernel does not know is set, or a map is full.</summary>
    E2BIG = 7,
    /// <summary>Bad file descriptor.</summary>
    EBADF = 9,
    /// <summary>Try again; PROG_LOAD returns it when a signal interrupts verification.</summary>
    EAGAIN = 11,
    /// <summary>Out of memory.</summary>
    ENOMEM = 12,
    /// <summary>Permission denied; for PROG_LOAD, the verifier rejected the program.</summary>
    EACCES = 13,
    /// <summary>Bad address.</summary>
    EFAULT = 14,
    /// <summary>Device or resource busy.</summary>
    EBUSY = 16,
    /// <summary>File exists; for maps, the key exists and BPF_NOEXIST was given.</summary>
    EEXIST = 17,
    /// <summary>No such device.</summary>
    ENODEV = 19,
    /// <summary>Not a directory.</summary>
    ENOTDIR = 20,
    /// <summary>Invalid argument.</summary>
    EINVAL = 22,
    /// <summary>Too many open files in the system.</summary>
    ENFILE = 23,
    /// <summary>Too many open files in the process.</summary>
    EMFILE = 24,
    /// <summary>Inappropriate ioctl for device.</summary>
    ENOTTY = 25,
    /// <summary>No space left; for PROG_LOAD, the verifier log buffer was too small.</summary>
    ENOSPC = 28,
    /// <summary>Read-only file system.</summary>
    EROFS = 30,
    /// <summary>Result out of range.</summary>
    ERANGE = 34,
    /// <summary>File name too long.</summary>
    ENAMETOOLONG = 36,
    /// <summary>Function not implemented: the kernel has no bpf(2).</summary>
    ENOSYS = 38,
    /// <summary>Too many levels of symbolic links.</summary>
    ELOOP = 40,
    /// <summary>No data available.</summary>
    ENODATA = 61,
    /// <summary>Value too large for defined data type.</summary>
    EOVERFLOW = 75,
    /// <summary>Operation not supported.</summary>
    EOPNOTSUPP = 95,
    /// <summary>Operation already in progress.</summary>
    EALREADY = 114,
    /// <summary>Kernel-internal "operation not supported" that bpf(2) leaks to user space.</summary>
    ENOTSUPP = 524,
}
