using Ebpf.Kernel;
using Ebpf.Links;

namespace Ebpf.Tests.Generators;

/// <summary>
/// The typed stream the generator writes for a ring buffer whose event type the Types metadata names
/// (<c>events:typed_event</c> in Ebpf.Tests.csproj): tests/bpf/typed.bpf.c's raw tracepoint sends a struct typed_event
/// per system call.
/// </summary>
[Category("Kernel")]
[Category("Link")]
public class TypedEventStreamKernelTests
{
    [Test]
    public void TheGeneratedReaderHandsOutTypedEvents()
    {
        using var objects = TypedObjects.Load();
        using var reader = objects.OpenEventsReader();
        Assert.That(reader.Kind, Is.EqualTo(EventBufferKind.RingBuffer));
        var mine = new List<(uint Pid, string Comm, int X)>();
        using (objects.RecordTyped.AttachRawTracepoint("sys_enter"))
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (mine.Count == 0 && DateTime.UtcNow < deadline)
            {
                _ = File.Exists("/nonexistent"); // a syscall
                reader.Consume((ref readonly TypedObjects.TypedEvent e) =>
                {
                    if (e.Pid == (uint)Environment.ProcessId)
                    {
                        mine.Add((e.Pid, FixedString.Intern(e.Comm), e.Where.X));
                    }
                });
            }
        }

        Assert.That(mine, Is.Not.Empty, "an event of this process");
        Assert.That(mine[0].X, Is.EqualTo(2), "where.x = home.y");
        Assert.That(mine[0].Comm, Is.Not.Empty, "the thread's name, from char comm[16]");
    }

    [Test]
    public async Task TheGeneratedAsyncStreamYieldsTypedEvents()
    {
        using var objects = TypedObjects.Load();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using (objects.RecordTyped.AttachRawTracepoint("sys_enter"))
        {
            await foreach (var e in objects.ReadEventsAsync(cancel.Token))
            {
                Assert.That(e.Where.X, Is.EqualTo(2));
                Assert.That(FixedString.Decode(e.Comm), Is.Not.Empty);
                break;
            }
        }
    }
}
