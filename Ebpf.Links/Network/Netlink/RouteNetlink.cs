using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Links;

/// <summary>Handles one answer message of a request (an object the kernel sends back or dumps).</summary>
internal delegate void NetlinkReplyHandler(NetlinkMessage reply);

/// <summary>
/// An <c>NETLINK_ROUTE</c> socket in the calling thread's network namespace: sends a request and reads its answers up
/// to the acknowledgement (or the end of a dump), turning an error into an <see cref="EbpfException"/> named for the
/// request (<c>RTM_NEWTFILTER failed: ...</c>) with the kernel's extended acknowledgement message.
/// </summary>
internal sealed class RouteNetlink : IDisposable
{
    /// <summary><c>NETLINK_ROUTE</c>.</summary>
    private const int ProtocolRoute = 0;

    private readonly ISystemCalls _system;
    private readonly BpfFileDescriptor _socket;
    private uint _sequence;

    private RouteNetlink(ISystemCalls system, BpfFileDescriptor socket)
    {
        _system = system;
        _socket = socket;
    }

    /// <summary>Opens a socket through <paramref name="syscalls"/>' system calls.</summary>
    public static RouteNetlink Open(IBpfSyscalls syscalls)
    {
        var system = syscalls.System();
        return new RouteNetlink(system, system.NetlinkOpen(ProtocolRoute));
    }

    /// <summary>Sends <paramref name="request"/> and runs <paramref name="onReply"/> for each answer until the acknowledgement or the dump's end.</summary>
    /// <param name="request">The request; it should ask for an acknowledgement (<c>NLM_F_ACK</c>) or be a dump.</param>
    /// <param name="onReply">Called for every answer that is neither an acknowledgement nor the end; null to ignore them.</param>
    /// <param name="explain">Turns a refusal (the kernel's answer and the exception made of it) into the exception to throw; null throws that one.</param>
    /// <exception cref="EbpfException">The kernel refused the request.</exception>
    public void Execute(NetlinkMessageWriter request, NetlinkReplyHandler? onReply = null, Func<NetlinkAck, EbpfException, Exception>? explain = null)
    {
        uint sequence = ++_sequence;
        _system.NetlinkSend(_socket, request.ToArray(sequence));
        while (true)
        {
            ReadOnlySpan<byte> datagram = _system.NetlinkReceive(_socket);
            if (datagram.IsEmpty)
            {
                throw new EbpfException(RouteMessageNames.Of(request.Type), Errno.EIO, "the netlink socket returned no answer");
            }

            while (NetlinkMessage.TryRead(ref datagram, out var message))
            {
                if (message.Sequence != sequence)
                {
                    continue;
                }

                if (message.Type == NetlinkMessage.Error)
                {
                    var ack = NetlinkAck.Read(message.Payload, message.Flags);
                    if (ack.Errno != 0)
                    {
                        var failure = Failure(request.Type, ack);
                        throw explain?.Invoke(ack, failure) ?? failure;
                    }

                    return;
                }

                if (message.Type == NetlinkMessage.Done)
                {
                    // Since 4.12 the end of a dump carries the dump's error, and extended acknowledgement attributes.
                    if (message.Payload.Length >= sizeof(int) && BitConverter.ToInt32(message.Payload) < 0)
                    {
                        throw Failure(request.Type, new NetlinkAck(-BitConverter.ToInt32(message.Payload), null, null));
                    }

                    return;
                }

                onReply?.Invoke(message);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _socket.Dispose();

    /// <summary>The exception for a refused request: EPERM and EACCES diagnosed, the kernel's message as the detail.</summary>
    internal static EbpfException Failure(ushort requestType, NetlinkAck ack)
    {
        string operation = RouteMessageNames.Of(requestType);
        var errno = (Errno)ack.Errno;
        return errno is Errno.EPERM or Errno.EACCES
            ? new EbpfPermissionException(operation, errno, ack.Message)
            : new EbpfException(operation, errno, ack.Message);
    }
}
