using System.Buffers.Binary;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel.Readers;

/// <summary>
/// A ring buffer map with the programs of tests/bpf/ringbuf.bpf.c loaded against it: each run writes one record
/// (or <c>repeat</c> records) holding a sequence number and then the payload pattern.
/// </summary>
internal sealed unsafe class RingBufferProducer : IDisposable
{
    public const int MaxRecord = 4096;

    private readonly IBpfSyscalls sys;
    private readonly BpfFileDescriptor payload;
    private readonly BpfFileDescriptor sequence;
    private readonly BpfFileDescriptor output;
    private readonly BpfFileDescriptor reserve;

    public RingBufferProducer(IBpfSyscalls sys, int ringSize)
    {
        this.sys = sys;
        Ring = KernelPrograms.CreateMap(sys, BpfMapType.Ringbuf, 0, 0, (uint)ringSize, name: "events");
        payload = KernelPrograms.CreateMap(sys, BpfMapType.Array, 4, MaxRecord, 1, name: "payload");
        sequence = KernelPrograms.CreateMap(sys, BpfMapType.Array, 4, 8, 1, name: "sequence");
        var maps = new Dictionary<string, BpfFileDescriptor> { ["events"] = Ring, ["payload"] = payload, ["sequence"] = sequence };
        output = ElfTestLoader.Load(sys, "ringbuf", "ringbuf_output", BpfProgramType.Xdp, maps);
        reserve = ElfTestLoader.Load(sys, "ringbuf", "ringbuf_reserve", BpfProgramType.Xdp, maps);

        var pattern = Pattern(MaxRecord);
        uint zero = 0;
        fixed (byte* value = pattern)
        {
            sys.MapUpdateElem(new MapElemAttr { MapFd = (uint)payload.DangerousGetFd(), Key = (ulong)&zero, Value = (ulong)value });
        }
    }

    public BpfFileDescriptor Ring { get; }

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

    /// <summary>Writes <paramref name="repeat"/> records of <paramref name="size"/> bytes; returns the XDP verdict of the last run (2 written, 1 ring full).</summary>
    public uint Output(int size, uint repeat = 1) => Run(output, (uint)size, 0, repeat);

    /// <summary>Reserves a 64-byte record and submits or discards it.</summary>
    public uint Reserve(bool discard) => Run(reserve, 0, discard ? 1u : 0u, 1);

    public static void CheckRecord(ReadOnlySpan<byte> record, ulong expectedSequence, int expectedSize)
    {
        Assert.That(record.Length, Is.EqualTo(expectedSize));
        Assert.That(BinaryPrimitives.ReadUInt64LittleEndian(record), Is.EqualTo(expectedSequence));
        var pattern = Pattern(expectedSize);
        Assert.That(record[8..].SequenceEqual(pattern.AsSpan(8)), Is.True, "payload bytes");
    }

    public void Dispose()
    {
        reserve.Dispose();
        output.Dispose();
        sequence.Dispose();
        payload.Dispose();
        Ring.Dispose();
    }

    private uint Run(BpfFileDescriptor program, uint size, uint discard, uint repeat)
    {
        var packet = new byte[64];
        BinaryPrimitives.WriteUInt32LittleEndian(packet, size);
        BinaryPrimitives.WriteUInt32LittleEndian(packet.AsSpan(4), discard);
        fixed (byte* data = packet)
        {
            var attr = new ProgTestRunAttr
            {
                ProgFd = (uint)program.DangerousGetFd(),
                DataIn = (ulong)data,
                DataSizeIn = (uint)packet.Length,
                Repeat = repeat,
            };
            sys.ProgTestRun(ref attr);
            return attr.Retval;
        }
    }
}
