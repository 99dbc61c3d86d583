namespace Ebpf.Kernel;

/// <summary>
/// Receives one event record as a <typeparamref name="T"/>: in the ring buffer's own memory for
/// <see cref="RingBufferReader"/> (zero copy), a copy on the stack for <see cref="PerfEventReader"/>. The reference is
/// valid only during the call.
/// </summary>
/// <typeparam name="T">The event's C layout, e.g. a struct the generator wrote from the object's BTF.</typeparam>
/// <param name="value">The record's first <c>sizeof(T)</c> bytes.</param>
public delegate void EventRecordHandler<T>(ref readonly T value)
    where T : unmanaged;
