using System.Buffers.Binary;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel.Readers;

/// <summary>
/// A perf event array with the program of tests/bpf/perf_output.bpf.c loaded against it: each run writes one sample
/// (or <c>repeat</c> samples) to the current CPU's ring, holding a sequence number and then the payload pattern.
/// </summary>
internal sealed unsafe class PerfEventProducer : IDisposable
{
    private readonly IBpfSyscalls sys;
    private readonly BpfFileDescriptor payload;
    private readonly BpfFileDescriptor sequence;
    private readonly BpfFileDescriptor output;

    public PerfEventProducer(IBpfSyscalls sys)
    {
        this.sys = sys;
        int cpus = File.ReadAllText("/sys/devices/system/cpu/possible").Trim().Split(',', '-').Select(int.Parse).Max() + 1;
        Array = KernelPrograms.CreateMap(sys, BpfMapType.PerfEventArray, 4, 4, (uint)cpus, name: "perf_events");
        payload = KernelPrograms.CreateMap(sys, BpfMapType.Array, 4, RingBufferProducer.MaxRecord, 1, name: "payload");
        sequence = KernelPrograms.CreateMap(sys, BpfMapType.Array, 4, 8, 1, name: "sequence");
        var maps = new Dictionary<string, BpfFileDescriptor> { ["perf_events"] = Array, ["payload"] = payload, ["sequence"] = sequence };
        output = ElfTestLoader.Load(sys, "perf_output", "perf_output", BpfProgramType.Xdp, maps);

        var pattern = RingBufferProducer.Pattern(RingBufferProducer.MaxRecord);
        uint zero = 0;
        fixed (byte* value = pattern)
        {
            sys.MapUpdateElem(new MapElemAttr { MapFd = (uint)payload.DangerousGetFd(), Key = (ulong)&zero, Value = (ulong)value });
        }
    }

    public BpfFileDescriptor Array { get; }

    /// <summary>Writes <paramref name="repeat"/> samples of <paramref name="size"/> bytes; returns the XDP verdict of the last run (2 written, 1 output failed).</summary>
    public uint Output(int size, uint repeat = 1)
    {
        var packet = new byte[64];
        BinaryPrimitives.WriteUInt32LittleEndian(packet, (uint)size);
        fixed (byte* data = packet)
        {
            var attr = new ProgTestRunAttr
            {
                ProgFd = (uint)output.DangerousGetFd(),
                DataIn = (ulong)data,
                DataSizeIn = (uint)packet.Length,
                Repeat = repeat,
            };
            sys.ProgTestRun(ref attr);
            return attr.Retval;
        }
    }

    /// <summary>Checks a sample: the kernel pads it by up to 7 bytes.</summary>
    public static ulong CheckSample(ReadOnlySpan<byte> sample, int expectedSize)
    {
        Assert.That(sample.Length, Is.InRange(expectedSize, expectedSize + 7));
        var pattern = RingBufferProducer.Pattern(expectedSize);
        Assert.That(sample[8..expectedSize].SequenceEqual(pattern.AsSpan(8)), Is.True, "payload bytes");
        return BinaryPrimitives.ReadUInt64LittleEndian(sample);
    }

    public void Dispose()
    {
        output.Dispose();
        sequence.Dispose();
        payload.Dispose();
        Array.Dispose();
    }
}
