using System.Buffers.Binary;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel.Readers;

/// <summary>
/// A perf event array with the program of tests/bpf/perf_output.bpf.c loaded against it: each run writes one sample
/// (or <c>repeat</c> samples) to the current CPU's ring, holding a sequence number and then the payload pattern.
/// </summary>
internal sealed class PerfEventProducer : IDisposable
{
    private readonly SequencedPayload _payload;
    private readonly BpfFileDescriptor _output;

    public PerfEventProducer(IBpfSyscalls sys)
    {
        int cpus = File.ReadAllText("/sys/devices/system/cpu/possible").Trim().Split(',', '-').Select(int.Parse).Max() + 1;
        Array = KernelPrograms.CreateMap(sys, BpfMapType.PerfEventArray, 4, 4, (uint)cpus, name: "perf_events");
        _payload = new SequencedPayload(sys);
        _output = ElfTestLoader.Load(sys, "perf_output", "perf_output", BpfProgramType.Xdp, _payload.MapsWith("perf_events", Array));
    }

    public BpfFileDescriptor Array { get; }

    /// <summary>Writes <paramref name="repeat"/> samples of <paramref name="size"/> bytes; returns the XDP verdict of the last run (2 written, 1 output failed).</summary>
    public uint Output(int size, uint repeat = 1) => _payload.Run(_output, (uint)size, 0, repeat);

    /// <summary>Checks a sample: the kernel pads it by up to 7 bytes.</summary>
    public static ulong CheckSample(ReadOnlySpan<byte> sample, int expectedSize)
    {
        Assert.That(sample.Length, Is.InRange(expectedSize, expectedSize + 7));
        var pattern = SequencedPayload.Pattern(expectedSize);
        Assert.That(sample[8..expectedSize].SequenceEqual(pattern.AsSpan(8)), Is.True, "payload bytes");
        return BinaryPrimitives.ReadUInt64LittleEndian(sample);
    }

    public void Dispose()
    {
        _output.Dispose();
        _payload.Dispose();
        Array.Dispose();
    }
}
