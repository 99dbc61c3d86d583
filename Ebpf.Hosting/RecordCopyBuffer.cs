namespace Ebpf.Hosting;

/// <summary>
/// The one buffer a copying hosted consumer copies every record into before handing it to its
/// <see cref="IEbpfEventHandler"/>: the record's ring space is released as soon as it is copied, and no memory is
/// allocated per record. The consumer awaits each handler before copying the next record, so a record's
/// <see cref="EbpfEvent.Data"/> stays intact until its <see cref="IEbpfEventHandler.HandleAsync"/> has completed; a
/// later record overwrites it. The buffer belongs to the consumer (never to a shared pool), so a handler that keeps
/// <see cref="EbpfEvent.Data"/> too long reads later records of the same map, never another component's memory.
/// </summary>
internal sealed class RecordCopyBuffer
{
    private const int InitialSize = 256;

    private byte[] _bytes = new byte[InitialSize];

    /// <summary>Copies <paramref name="record"/> over the previous record (growing the buffer when it is larger) and returns the copy.</summary>
    public ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> record)
    {
        if (record.Length > _bytes.Length)
        {
            _bytes = GC.AllocateUninitializedArray<byte>((int)Math.Min(Array.MaxLength, Math.Max(record.Length, 2L * _bytes.Length)));
        }

        record.CopyTo(_bytes);
        return _bytes.AsMemory(0, record.Length);
    }
}
