using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel.Interop;

/// <summary>
/// One ready descriptor reported by <see cref="ISystemCalls.EpollWait"/>: its events and the data given when it was
/// added. A portable copy of <c>struct epoll_event</c> (whose native layout is packed on x86-64 only).
/// </summary>
/// <param name="Events">The events that are ready.</param>
/// <param name="Data">The value passed to <see cref="ISystemCalls.EpollCtl"/>.</param>
internal readonly record struct EpollEvent(EpollEvents Events, ulong Data);
