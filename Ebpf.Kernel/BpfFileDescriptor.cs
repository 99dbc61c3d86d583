using System.Runtime.InteropServices;
using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// An owned file descriptor of a kernel object: map, program, link, BTF, perf event. Disposing (or finalizing)
/// closes it with <c>close(2)</c>. Attribute structs take the raw number from <see cref="DangerousGetFd"/>; keep the
/// handle alive (or use <see cref="SafeHandle.DangerousAddRef"/>) while the kernel reads it.
/// </summary>
public sealed class BpfFileDescriptor : SafeHandle
{
    /// <summary>Takes ownership of <paramref name="fd"/>, or wraps it without owning it.</summary>
    /// <param name="fd">The descriptor; negative values make an invalid handle.</param>
    /// <param name="ownsHandle">True to close the descriptor on dispose.</param>
    public BpfFileDescriptor(int fd, bool ownsHandle = true)
        : base(new IntPtr(-1), ownsHandle)
    {
        SetHandle(new IntPtr(fd));
    }

    private volatile bool _disposeRequested;

    /// <inheritdoc />
    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <summary>
    /// True once <see cref="SafeHandle.Dispose()"/> ran. The descriptor itself stays open until the last reference
    /// (<see cref="SafeHandle.DangerousAddRef"/>) is released, but no new operation may start on it.
    /// </summary>
    internal bool IsDisposeRequested => _disposeRequested;

    /// <summary>The descriptor number. It is only valid while this handle is open.</summary>
    /// <exception cref="ObjectDisposedException">The handle is closed.</exception>
    public int DangerousGetFd()
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        return (int)handle.ToInt64();
    }

    /// <summary>Duplicates the descriptor (<c>fcntl(F_DUPFD_CLOEXEC)</c>); the copy refers to the same kernel object.</summary>
    /// <exception cref="EbpfException">fcntl failed.</exception>
    public BpfFileDescriptor Dup()
    {
        bool added = false;
        try
        {
            DangerousAddRef(ref added);
            int copy = LibC.Fcntl(DangerousGetFd(), LibC.FDupFdCloExec, 1);
            if (copy < 0)
            {
                throw new EbpfException("fcntl(F_DUPFD_CLOEXEC)", (Errno)Marshal.GetLastPInvokeError());
            }

            return new BpfFileDescriptor(copy);
        }
        finally
        {
            if (added)
            {
                DangerousRelease();
            }
        }
    }

    /// <inheritdoc />
    public override string ToString() => IsClosed ? "fd (closed)" : $"fd {handle.ToInt64()}";

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _disposeRequested = true;
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc />
    protected override bool ReleaseHandle() => LibC.Close((int)handle.ToInt64()) == 0;
}
