namespace Ebpf.Hosting;

/// <summary>A record a hosted consumer read from a ring buffer or a perf event array.</summary>
/// <param name="Collection">The collection the map belongs to.</param>
/// <param name="Map">The map the record was read from.</param>
/// <param name="Cpu">The CPU whose perf ring held the record; -1 for ring buffers.</param>
/// <param name="Data">
/// A copy of the sample the program wrote (perf samples may carry up to 7 bytes of padding), in the consumer's buffer:
/// valid until the handler's <see cref="IEbpfEventHandler.HandleAsync"/> completes, then overwritten by the next record.
/// </param>
public readonly record struct EbpfEvent(string Collection, string Map, int Cpu, ReadOnlyMemory<byte> Data);
