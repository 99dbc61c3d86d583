using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Moq;

namespace Ebpf.Tests.Kernel.Readers;

/// <summary><see cref="EventBuffer.Prepare"/> on the spec of tests/bpf/event_buffer.bpf.c, without a kernel.</summary>
public sealed class EventBufferTests
{
    [Test]
    public void PerfEventArraySwitchesTheMapAndItsKindConstant()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("event_buffer"));
        Assert.That(spec.Maps["events"].Type, Is.EqualTo(BpfMapType.Ringbuf));
        Assert.That(spec.Variables["ebpf_buffer__events"].Get<uint>(), Is.Zero);
        Assert.That(spec.Maps, Does.ContainKey(EventBuffer.HeapMapName));

        Assert.That(EventBuffer.Prepare(spec, EventBufferKind.PerfEventArray), Is.EqualTo(EventBufferKind.PerfEventArray));
        var events = spec.Maps["events"];
        Assert.That((events.Type, events.KeySize, events.ValueSize, events.MaxEntries), Is.EqualTo((BpfMapType.PerfEventArray, 4u, 4u, 0u)));
        Assert.That(spec.Variables["ebpf_buffer__events"].Get<uint>(), Is.EqualTo(1u));
        Assert.That(EventBuffer.Prepare(spec, EventBufferKind.PerfEventArray), Is.EqualTo(EventBufferKind.PerfEventArray), "again: nothing changes");
        Assert.Throws<InvalidOperationException>(() => EventBuffer.Prepare(spec, EventBufferKind.RingBuffer));
    }

    [Test]
    public void RingBufferLeavesTheSpecAsDeclared()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("event_buffer"));
        Assert.That(EventBuffer.Prepare(spec, EventBufferKind.RingBuffer), Is.EqualTo(EventBufferKind.RingBuffer));
        Assert.That(spec.Maps["events"].Type, Is.EqualTo(BpfMapType.Ringbuf));
        Assert.That(spec.Maps["events"].MaxEntries, Is.EqualTo(64u * 1024));
        Assert.That(spec.Variables["ebpf_buffer__events"].Get<uint>(), Is.Zero);
    }

    [Test]
    public void TheProbeChoosesPerfWhereTheKernelHasNoRingBuffer()
    {
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.MapCreate(in It.Ref<MapCreateAttr>.IsAny)).Throws(() => new EbpfException(BpfCommand.MapCreate, Errno.EINVAL));
        var spec = CollectionSpec.Load(TestPrograms.Path("event_buffer"));
        Assert.That(EventBuffer.Prepare(spec, syscalls: sys.Object), Is.EqualTo(EventBufferKind.PerfEventArray));
        Assert.That(spec.Maps["events"].Type, Is.EqualTo(BpfMapType.PerfEventArray));
    }

    [Test]
    public void ASpecWithoutBuffersIsRefused()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("ringbuf"));
        var e = Assert.Throws<ArgumentException>(() => EventBuffer.Prepare(spec, EventBufferKind.PerfEventArray));
        Assert.That(e!.Message, Does.Contain("EBPF_BUFFER"));
    }
}
