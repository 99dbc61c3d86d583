namespace Ebpf.Kernel;

/// <summary>What an event buffer of <c>ebpf/buffer.bpf.h</c> is in the kernel, as <see cref="EventBuffer.Prepare"/> chose it.</summary>
public enum EventBufferKind
{
    /// <summary>A <c>BPF_MAP_TYPE_RINGBUF</c> (Linux 5.8+), read with <see cref="RingBufferReader"/>.</summary>
    RingBuffer,

    /// <summary>A <c>BPF_MAP_TYPE_PERF_EVENT_ARRAY</c>, read with <see cref="PerfEventReader"/>; the program writes through a per-CPU heap.</summary>
    PerfEventArray,
}
