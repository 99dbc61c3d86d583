namespace Ebpf.Kernel;

/// <summary>
/// Receives event records as a <typeparamref name="T"/> for the struct-handler reads
/// (<see cref="RingBufferReader.Consume{T, THandler}(ref THandler, int)"/>,
/// <see cref="PerfEventReader.Consume{T, THandler}(ref THandler, int)"/>,
/// <see cref="EventBufferReader.Consume{T, THandler}(ref THandler, int)"/>). Implement it on a struct: the reader's
/// loop is then compiled for that struct and the call is inlined (no delegate, no interface dispatch), and the state it
/// keeps stays in the caller's variable. The reference is valid only during the call.
/// </summary>
/// <typeparam name="T">The event's C layout, e.g. a struct the generator wrote from the object's BTF.</typeparam>
public interface IEventRecordHandler<T>
    where T : unmanaged
{
    /// <summary>Handles one record: in the ring buffer's own memory for a ring buffer, a copy on the stack for a perf sample.</summary>
    /// <param name="value">The record's first <c>sizeof(T)</c> bytes.</param>
    void Handle(ref readonly T value);
}
