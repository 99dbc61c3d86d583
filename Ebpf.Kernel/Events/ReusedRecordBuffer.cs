namespace Ebpf.Kernel;

/// <summary>
/// The one buffer a <see cref="RecordLifetime.UntilNextRecord"/> stream copies every record into: grows to the largest
/// record read (at least doubling), and each copy overwrites the previous record.
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
