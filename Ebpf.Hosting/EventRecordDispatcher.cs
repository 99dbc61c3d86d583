using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ebpf.Kernel;

namespace Ebpf.Hosting;

/// <summary>
/// Hands the records of a ring buffer or perf event array to an <see cref="IEbpfRecordHandler{TEvent}"/> as
/// <typeparamref name="TEvent"/> values: ring buffer records in place, perf samples copied to the stack. Records shorter
/// than <typeparamref name="TEvent"/> are skipped and counted, not thrown; lost-sample records are counted. The
/// counts of the records handed over since the last <see cref="TakeBatch"/> are read and reset there.
/// </summary>
internal sealed class EventRecordDispatcher<TEvent>
    where TEvent : unmanaged
{
    private static readonly int EventSize = Unsafe.SizeOf<TEvent>();

    private readonly IEbpfRecordHandler<TEvent> _handler;
    private readonly PerfEventRecordHandler _perfRecord;
    private EventRecordBatch _batch;

    public EventRecordDispatcher(IEbpfRecordHandler<TEvent> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handler = handler;
        _perfRecord = OnPerfRecord;
    }

    /// <summary>Hands every record available now to the handler; does not wait.</summary>
    /// <returns>The records consumed: handed over, too short, and (perf) lost-sample records.</returns>
    public int Consume(EventBufferReader reader) =>
        reader.RingBuffer is { } ring ? Consume(ring) : Consume(reader.PerfEvents!);

    /// <inheritdoc cref="Consume(EventBufferReader)"/>
    public int Consume(RingBufferReader reader)
    {
        var adapter = new RingRecordAdapter(this);
        return reader.Consume(ref adapter);
    }

    /// <inheritdoc cref="Consume(EventBufferReader)"/>
    public int Consume(PerfEventReader reader) => reader.Consume(_perfRecord);

    /// <summary>What was counted since the last call; the counts start again from zero.</summary>
    public EventRecordBatch TakeBatch()
    {
        var batch = _batch;
        _batch = default;
        return batch;
    }

    private void OnRingRecord(ReadOnlySpan<byte> data)
    {
        if (IsTooShort(data))
        {
            return;
        }

        _handler.Handle(in MemoryMarshal.AsRef<TEvent>(data[..EventSize]), -1);
        _batch.Handled++;
    }

    private void OnPerfRecord(int cpu, ReadOnlySpan<byte> data, ulong lostSamples)
    {
        if (lostSamples != 0)
        {
            _batch.LostSamples += lostSamples;
            _batch.LostCpu = cpu;
            return;
        }

        if (IsTooShort(data))
        {
            return;
        }

        var value = MemoryMarshal.Read<TEvent>(data);
        _handler.Handle(in value, cpu);
        _batch.Handled++;
    }

    private bool IsTooShort(ReadOnlySpan<byte> data)
    {
        if (data.Length >= EventSize)
        {
            return false;
        }

        if (_batch.TooShort++ == 0)
        {
            _batch.ShortLength = data.Length;
        }

        return true;
    }

    /// <summary>Hands ring buffer records from <see cref="RingBufferReader.Consume{THandler}(ref THandler, int)"/> to the dispatcher.</summary>
    private readonly struct RingRecordAdapter(EventRecordDispatcher<TEvent> dispatcher) : IRingBufferRecordHandler
    {
        public void Handle(ReadOnlySpan<byte> data) => dispatcher.OnRingRecord(data);
    }
}
