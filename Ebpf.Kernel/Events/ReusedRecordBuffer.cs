namespace Ebpf.Kernel;

/// <summary>
/// The one buffer a <see cref="RecordLifetime.UntilNextRecord"/> stream (and each copying consumer of Ebpf.Hosting)
/// copies every record into: grows to the largest record read (at least doubling), and each copy overwrites the
/// previous record. It belongs to one stream or consumer, never to a shared pool, so a caller that keeps a record too
/// long reads later records of the same map, never another component's memory.
/// </summary>
internal sealed class ReusedRecordBuffer
{
    private const int InitialSize = 256;

    private byte[] _bytes = new byte[InitialSize];

    /// <summary>Copies <paramref name="record"/> over the previous record and returns the copy.</summary>
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
