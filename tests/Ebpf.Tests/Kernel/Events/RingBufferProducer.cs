using System.Buffers.Binary;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel.Readers;

/// <summary>
/// A ring buffer map with the programs of tests/bpf/ringbuf.bpf.c loaded against it: each run writes one record
/// (or <c>repeat</c> records) holding a sequence number and then the payload pattern.
/// </summary>
internal sealed class RingBufferProducer : IDisposable
{
    public const int MaxRecord = SequencedPayload.MaxRecord;

    private readonly SequencedPayload _payload;
    private readonly BpfFileDescriptor _output;
    private readonly BpfFileDescriptor _reserve;

    public RingBufferProducer(IBpfSyscalls sys, int ringSize)
    {
        Ring = KernelPrograms.CreateMap(sys, BpfMapType.Ringbuf, 0, 0, (uint)ringSize, name: "events");
        _payload = new SequencedPayload(sys);
        var maps = _payload.MapsWith("events", Ring);
        _output = ElfTestLoader.Load(sys, "ringbuf", "ringbuf_output", BpfProgramType.Xdp, maps);
        _reserve = ElfTestLoader.Load(sys, "ringbuf", "ringbuf_reserve", BpfProgramType.Xdp, maps);
    }

    public BpfFileDescriptor Ring { get; }

    /// <summary>Writes <paramref name="repeat"/> records of <paramref name="size"/> bytes; returns the XDP verdict of the last run (2 written, 1 ring full).</summary>
    public uint Output(int size, uint repeat = 1) => _payload.Run(_output, (uint)size, 0, repeat);

    /// <summary>Reserves a 64-byte record and submits or discards it.</summary>
    public uint Reserve(bool discard) => _payload.Run(_reserve, 0, discard ? 1u : 0u, 1);

    public static void CheckRecord(ReadOnlySpan<byte> record, ulong expectedSequence, int expectedSize)
    {
        Assert.That(record.Length, Is.EqualTo(expectedSize));
        Assert.That(BinaryPrimitives.ReadUInt64LittleEndian(record), Is.EqualTo(expectedSequence));
        var pattern = SequencedPayload.Pattern(expectedSize);
        Assert.That(record[8..].SequenceEqual(pattern.AsSpan(8)), Is.True, "payload bytes");
    }

    public void Dispose()
    {
        _reserve.Dispose();
        _output.Dispose();
        _payload.Dispose();
        Ring.Dispose();
    }
}
