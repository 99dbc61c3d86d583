namespace Ebpf.Kernel;

/// <summary>
/// How long the <c>Data</c> of a record from a reader's <c>ReadAllAsync</c> stays valid
/// (<see cref="RingBufferReader.ReadAllAsync(RecordLifetime, CancellationToken)"/>,
/// <see cref="PerfEventReader.ReadAllAsync(RecordLifetime, CancellationToken)"/>,
/// <see cref="EventBufferReader.ReadAllAsync(RecordLifetime, CancellationToken)"/>).
/// </summary>
public enum RecordLifetime
{
    /// <summary>
    /// Each record's data is an array of its own, kept as long as the caller likes: one allocation per record. What
    /// <c>ReadAllAsync</c> without a lifetime does.
    /// </summary>
    Owned,

    /// <summary>
    /// Each record's data is a slice of one buffer the stream owns: the record is copied into it and its ring space is
    /// released at once. The data stays intact until the next <c>MoveNextAsync</c> of the stream (the next iteration
    /// of <c>await foreach</c>), also while the loop body awaits; the next record overwrites it. Copy it
    /// (<c>Data.ToArray()</c>) to keep it longer. No allocation per record once the buffer has grown to the largest
    /// record read.
    /// </summary>
    UntilNextRecord,
}
