using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Ebpf.Hosting;
using Ebpf.Kernel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ebpf.Tests.Hosting;

/// <summary>
/// The hosted copying consumers (<see cref="IEbpfEventHandler"/>): each record is copied into the consumer's one buffer,
/// which stays intact until the handler's task completes, even when the handler awaits while more records wait in the
/// ring; the next record reuses the buffer (no allocation per record).
/// </summary>
[Category("Kernel")]
[NonParallelizable]
public class CopyingConsumerKernelTests
{
    [Test]
    public async Task ARecordStaysIntactUntilItsAsynchronousHandlerCompletesAndTheNextRecordReusesTheBuffer()
    {
        var handler = new AwaitingHandler();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddEbpf(o => o.PinPath = string.Empty);
        builder.Services.AddEbpfCollection("ring", b => b.FromFile(TestPrograms.Path("ringbuf")));
        builder.Services.AddEbpfRingBufferConsumer("ring", "events", handler.HandleAsync);
        using var host = builder.Build();
        await host.StartAsync();
        var reserve = host.Services.GetRequiredKeyedService<EbpfCollectionHandle>("ring").Collection.Programs["ringbuf_reserve"];

        // ringbuf_reserve: a 64-byte record holding the sequence number and 0xab bytes, submitted or discarded. The
        // handler awaits a real delay per record, so the later records wait in the ring while an earlier one is handled.
        var packet = new byte[64];
        for (int i = 0; i < 10; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(packet.AsSpan(4), i % 3 == 1 ? 1u : 0u);
            Assert.That(reserve.TestRun(packet).ReturnValue, Is.EqualTo(2u), "XDP_PASS: the record was reserved");
        }

        await handler.WaitForAsync(7);
        var consumer = host.Services.GetServices<IHostedService>().OfType<EbpfRingBufferConsumer>().Single();
        await host.StopAsync();

        Assert.That(handler.Sequences, Is.EqualTo(new ulong[] { 0, 2, 3, 5, 6, 8, 9 }), "in order, discarded records skipped");
        Assert.That(handler.Intact, Is.All.True, "the record read after the handler's await is the one it was given");
        Assert.That(handler.Buffers.Distinct().Count(), Is.EqualTo(1), "every record is copied into the same buffer");
        Assert.That(consumer.EventsRead, Is.EqualTo(7));
    }

    [Test]
    public async Task AHandlerThatKeepsRecordsCopiesThem()
    {
        // The ownership rule as a user follows it: Data.ToArray() keeps a record past its handler.
        var kept = new ConcurrentQueue<byte[]>();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddEbpf(o => o.PinPath = string.Empty);
        builder.Services.AddEbpfCollection("ring", b => b.FromFile(TestPrograms.Path("ringbuf")));
        builder.Services.AddEbpfRingBufferConsumer("ring", "events", (e, _) =>
        {
            kept.Enqueue(e.Data.ToArray());
            return ValueTask.CompletedTask;
        });
        using var host = builder.Build();
        await host.StartAsync();
        var reserve = host.Services.GetRequiredKeyedService<EbpfCollectionHandle>("ring").Collection.Programs["ringbuf_reserve"];
        var packet = new byte[64];
        for (int i = 0; i < 4; i++)
        {
            Assert.That(reserve.TestRun(packet).ReturnValue, Is.EqualTo(2u), "XDP_PASS: the record was reserved");
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (kept.Count < 4 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await host.StopAsync();
        Assert.That(kept.Select(r => BinaryPrimitives.ReadUInt64LittleEndian(r)), Is.EqualTo(new ulong[] { 0, 1, 2, 3 }));
    }

    /// <summary>Reads each record's sequence, awaits a real delay, and checks the record is unchanged afterwards.</summary>
    private sealed class AwaitingHandler
    {
        private readonly ConcurrentQueue<(ulong Sequence, bool Intact, byte[]? Buffer)> _records = new();

        public ulong[] Sequences => [.. _records.Select(r => r.Sequence)];

        public bool[] Intact => [.. _records.Select(r => r.Intact)];

        public byte[]?[] Buffers => [.. _records.Select(r => r.Buffer)];

        public async ValueTask HandleAsync(EbpfEvent record, CancellationToken cancellationToken)
        {
            byte[] before = record.Data.ToArray();
            await Task.Delay(20, cancellationToken);
            bool intact = record.Data.Span.SequenceEqual(before) && before.AsSpan(8).IndexOfAnyExcept((byte)0xab) < 0;
            _records.Enqueue((BinaryPrimitives.ReadUInt64LittleEndian(before), intact,
                MemoryMarshal.TryGetArray(record.Data, out var segment) ? segment.Array : null));
        }

        public async Task WaitForAsync(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (_records.Count < count && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }

            Assert.That(_records, Has.Count.GreaterThanOrEqualTo(count), "records handed to the handler");
        }
    }
}
