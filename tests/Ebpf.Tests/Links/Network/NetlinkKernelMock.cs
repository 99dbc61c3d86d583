using System.Runtime.InteropServices;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Links;
using Moq;

namespace Ebpf.Tests.Links;

/// <summary>
/// A mocked kernel for the rtnetlink requests: records every datagram sent on a netlink socket and answers each
/// receive with the next queued datagram (built with <see cref="Ack"/>, <see cref="Message"/> and <see cref="Done"/>).
/// </summary>
internal sealed class NetlinkKernelMock
{
    public NetlinkKernelMock()
    {
        var system = Syscalls.As<ISystemCalls>();
        system.Setup(s => s.NetlinkOpen(0)).Returns(() =>
        {
            Opened++;
            return new BpfFileDescriptor(99, ownsHandle: false);
        });
        system.Setup(s => s.NetlinkSend(It.IsAny<BpfFileDescriptor>(), It.IsAny<ReadOnlyMemory<byte>>()))
            .Callback((BpfFileDescriptor _, ReadOnlyMemory<byte> datagram) => Sent.Add(datagram.ToArray()));
        system.Setup(s => s.NetlinkReceive(It.IsAny<BpfFileDescriptor>())).Returns(() => Replies.Dequeue());
    }

    public Mock<IBpfSyscalls> Syscalls { get; } = new(MockBehavior.Strict);

    /// <summary>The datagrams sent, in order.</summary>
    public List<byte[]> Sent { get; } = [];

    /// <summary>The datagrams the next receives return.</summary>
    public Queue<byte[]> Replies { get; } = new();

    /// <summary>How many sockets were opened.</summary>
    public int Opened { get; private set; }

    /// <summary>Queues one datagram made of <paramref name="messages"/>.</summary>
    public NetlinkKernelMock Answer(params byte[][] messages)
    {
        Replies.Enqueue(messages.SelectMany(m => m).ToArray());
        return this;
    }

    /// <summary>An <c>NLMSG_ERROR</c> answering the request of <paramref name="sequence"/>: 0 acknowledges; capped, with extended ack attributes when a message or offset is given.</summary>
    public static byte[] Ack(uint sequence, int errno = 0, string? message = null, uint? offset = null, byte[]? request = null)
    {
        bool tlvs = message is not null || offset is not null;
        ushort flags = (ushort)((request is null ? NetlinkMessage.FlagCapped : 0) | (tlvs ? NetlinkMessage.FlagAckTlvs : 0));
        var writer = new NetlinkMessageWriter(NetlinkMessage.Error, flags);
        MemoryMarshal.Write(writer.AppendFixed(4), -errno);
        var echoed = request ?? new byte[NetlinkMessage.HeaderSize];
        echoed.CopyTo(writer.AppendFixed(echoed.Length));
        if (message is not null)
        {
            writer.AddString(1, message);
        }

        if (offset is { } o)
        {
            writer.AddUInt32(2, o);
        }

        return writer.ToArray(sequence);
    }

    /// <summary>An <c>NLMSG_DONE</c> ending a dump.</summary>
    public static byte[] Done(uint sequence)
    {
        var writer = new NetlinkMessageWriter(NetlinkMessage.Done, NetlinkMessage.FlagMulti);
        writer.AppendFixed(4);
        return writer.ToArray(sequence);
    }

    /// <summary>A message of <paramref name="type"/> the kernel sends, filled by <paramref name="fill"/>.</summary>
    public static byte[] Message(ushort type, uint sequence, Action<NetlinkMessageWriter> fill, ushort flags = 0)
    {
        var writer = new NetlinkMessageWriter(type, flags);
        fill(writer);
        return writer.ToArray(sequence);
    }

    /// <summary>A <c>cls_bpf</c> filter as the kernel sends it back (<c>RTM_NEWTFILTER</c>).</summary>
    public static byte[] Filter(uint sequence, uint handle, ushort priority, uint programId, string name, string kind = "bpf", uint parent = TcRequests.IngressParent) =>
        Message(RouteMessageNames.NewFilter, sequence, w =>
        {
            var tcmsg = w.AppendFixed(TcRequests.TcmsgSize);
            MemoryMarshal.Write(tcmsg[4..], 7);
            MemoryMarshal.Write(tcmsg[8..], handle);
            MemoryMarshal.Write(tcmsg[12..], parent);
            MemoryMarshal.Write(tcmsg[16..], ((uint)priority << 16) | TcRequests.AllProtocols);
            w.AddString(TcRequests.Kind, kind);
            if (handle != 0)
            {
                int options = w.BeginNest(TcRequests.Options);
                w.AddString(TcRequests.BpfName, name);
                w.AddUInt32(TcRequests.BpfId, programId);
                w.AddUInt32(TcRequests.BpfFlags, TcRequests.FlagActDirect);
                w.EndNest(options);
            }
        }, NetlinkMessage.FlagMulti);
}
