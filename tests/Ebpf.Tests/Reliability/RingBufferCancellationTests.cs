using Ebpf.Kernel;

namespace Ebpf.Tests.Reliability;

/// <summary>A reader blocked on an empty ring buffer wakes for cancellation and for Dispose from another thread.</summary>
[Category("Kernel")]
public class RingBufferCancellationTests
{
    private static Map CreateRing() =>
        Map.Create(new MapSpec { Name = "ring", Type = BpfMapType.Ringbuf, MaxEntries = 4096 * 4 });

    [Test]
    public void ReadIsCancelledByItsToken()
    {
        using var ring = CreateRing();
        using var reader = new RingBufferReader(ring.FileDescriptor);
        using var cancel = new CancellationTokenSource();
        var read = Task.Factory.StartNew(() => reader.Read(cancel.Token), TaskCreationOptions.LongRunning);
        Thread.Sleep(100);
        Assert.That(read.IsCompleted, Is.False, "Read blocks on an empty ring");
        cancel.Cancel();
        Assert.That(() => read.Wait(TimeSpan.FromSeconds(5)), Throws.InstanceOf<AggregateException>().With.InnerException.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task ReadAllAsyncIsCancelledByItsToken()
    {
        using var ring = CreateRing();
        using var reader = new RingBufferReader(ring.FileDescriptor);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var loop = Task.Run(async () =>
        {
            await foreach (var record in reader.ReadAllAsync(cancel.Token))
            {
                Assert.Fail($"an empty ring produced a record of {record.Length} bytes");
            }
        });
        var finished = await Task.WhenAny(loop, Task.Delay(TimeSpan.FromSeconds(5)));
        Assert.That(finished, Is.SameAs(loop), "ReadAllAsync returned after cancellation");
        Assert.That(() => loop.GetAwaiter().GetResult(), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void ReadIsWokenByDisposeFromAnotherThread()
    {
        using var ring = CreateRing();
        var reader = new RingBufferReader(ring.FileDescriptor);
        var read = Task.Factory.StartNew(() => reader.Read(), TaskCreationOptions.LongRunning);
        Thread.Sleep(100);
        Assert.That(read.IsCompleted, Is.False, "Read blocks on an empty ring");
        reader.Dispose();
        Assert.That(() => read.Wait(TimeSpan.FromSeconds(5)), Throws.InstanceOf<AggregateException>().With.InnerException.InstanceOf<ObjectDisposedException>());
        Assert.That(ring.FileDescriptor.IsClosed, Is.False, "the reader released, not closed, the map");
    }

    [Test]
    public async Task ReadAllAsyncIsWokenByDisposeFromAnotherThread()
    {
        using var ring = CreateRing();
        var reader = new RingBufferReader(ring.FileDescriptor);
        var loop = Task.Run(async () =>
        {
            await foreach (var record in reader.ReadAllAsync())
            {
                Assert.Fail($"an empty ring produced a record of {record.Length} bytes");
            }
        });
        await Task.Delay(100);
        reader.Dispose();
        var finished = await Task.WhenAny(loop, Task.Delay(TimeSpan.FromSeconds(5)));
        Assert.That(finished, Is.SameAs(loop), "ReadAllAsync returned after Dispose");
        Assert.That(() => loop.GetAwaiter().GetResult(), Throws.InstanceOf<ObjectDisposedException>());
    }
}
