using System.Buffers.Binary;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel.Readers;

/// <summary>
/// The user-space side of tests/bpf/sequenced_payload.h: its payload map (filled with <see cref="Pattern"/>) and
/// sequence map, and the XDP test run that drives a producer program with a request packet.
/// </summary>
internal sealed unsafe class SequencedPayload : IDisposable
{
    /// <summary>The largest record (MAX_RECORD).</summary>
    public const int MaxRecord = 4096;

    private readonly IBpfSyscalls _sys;
    private readonly BpfFileDescriptor _payload;
    private readonly BpfFileDescriptor _sequence;

    public SequencedPayload(IBpfSyscalls sys)
    {
        this._sys = sys;
        _payload = KernelPrograms.CreateMap(sys, BpfMapType.Array, 4, MaxRecord, 1, name: "payload");
        _sequence = KernelPrograms.CreateMap(sys, BpfMapType.Array, 4, 8, 1, name: "sequence");
        var pattern = Pattern(MaxRecord);
        uint zero = 0;
        fixed (byte* value = pattern)
        {
            sys.MapUpdateElem(new MapElemAttr { MapFd = (uint)_payload.DangerousGetFd(), Key = (ulong)&zero, Value = (ulong)value });
        }
    }

    /// <summary>The payload bytes: record byte i (i ≥ 8) is <c>Pattern[i]</c>.</summary>
    public static byte[] Pattern(int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 7) + 3);
        }

        return bytes;
    }

    /// <summary>The maps a producer program refers to: these two and its output map <paramref name="name"/>.</summary>
    public Dictionary<string, BpfFileDescriptor> MapsWith(string name, BpfFileDescriptor output) =>
        new() { [name] = output, ["payload"] = _payload, ["sequence"] = _sequence };

    /// <summary>Runs <paramref name="program"/> <paramref name="repeat"/> times on a 64-byte packet starting with the two request words; returns the last XDP verdict.</summary>
    public uint Run(BpfFileDescriptor program, uint first, uint second, uint repeat)
    {
        var packet = new byte[64];
        BinaryPrimitives.WriteUInt32LittleEndian(packet, first);
        BinaryPrimitives.WriteUInt32LittleEndian(packet.AsSpan(4), second);
        fixed (byte* data = packet)
        {
            var attr = new ProgTestRunAttr
            {
                ProgFd = (uint)program.DangerousGetFd(),
                DataIn = (ulong)data,
                DataSizeIn = (uint)packet.Length,
                Repeat = repeat,
            };
            _sys.ProgTestRun(ref attr);
            return attr.Retval;
        }
    }

    public void Dispose()
    {
        _sequence.Dispose();
        _payload.Dispose();
    }
}
