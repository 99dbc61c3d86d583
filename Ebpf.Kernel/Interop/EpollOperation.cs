namespace Ebpf.Kernel.Interop;

/// <summary>The operations of <c>epoll_ctl(2)</c>.</summary>
internal enum EpollOperation
{
    /// <summary><c>EPOLL_CTL_ADD</c>: watch a descriptor.</summary>
    Add = 1,

    /// <summary><c>EPOLL_CTL_DEL</c>: stop watching a descriptor.</summary>
    Delete = 2,

    /// <summary><c>EPOLL_CTL_MOD</c>: change the events or data of a watched descriptor.</summary>
    Modify = 3,
}
