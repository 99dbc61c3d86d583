using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// Pins on a bpffs (<c>BPF_OBJ_PIN</c> / <c>BPF_OBJ_GET</c>), shared by maps, programs and links.
/// </summary>
public static class BpfPin
{
    /// <summary>Pins the object behind <paramref name="fd"/> at <paramref name="path"/>, holding the descriptor for the call.</summary>
    /// <exception cref="EbpfException">The path exists (EEXIST) or is not on a bpffs.</exception>
    public static unsafe void Pin(BpfFileDescriptor fd, string path, IBpfSyscalls syscalls)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(syscalls);
        fixed (byte* p = PathBytes(path))
        {
            using var use = new FdUse(fd);
            syscalls.ObjPin(new ObjAttr { Pathname = (ulong)p, BpfFd = use.Fd });
        }
    }

    /// <summary>Opens the object pinned at <paramref name="path"/>: a new descriptor the caller owns.</summary>
    /// <exception cref="EbpfException">Nothing is pinned there (ENOENT).</exception>
    public static unsafe BpfFileDescriptor Open(string path, IBpfSyscalls syscalls)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(syscalls);
        fixed (byte* p = PathBytes(path))
        {
            return syscalls.ObjGet(new ObjAttr { Pathname = (ulong)p });
        }
    }

    private static byte[] PathBytes(string path) => System.Text.Encoding.UTF8.GetBytes(path + "\0");
}
