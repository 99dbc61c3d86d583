namespace Ebpf.Kernel.Interop;

/// <summary>The <c>EPOLL*</c> event bits of <c>epoll_ctl(2)</c> and <c>epoll_wait(2)</c>.</summary>
[Flags]
internal enum EpollEvents : uint
{
    /// <summary>No event.</summary>
    None = 0,

    /// <summary><c>EPOLLIN</c>: data to read (a ring buffer has records, an eventfd was signalled).</summary>
    In = 0x001,

    /// <summary><c>EPOLLOUT</c>: room to write (a user ring buffer has space).</summary>
    Out = 0x004,

    /// <summary><c>EPOLLERR</c>: an error condition.</summary>
    Error = 0x008,

    /// <summary><c>EPOLLHUP</c>: hang up.</summary>
    HangUp = 0x010,
}
