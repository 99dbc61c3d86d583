using Ebpf.Specs.CSharp;

namespace Ebpf.Tests.Generators;

/// <summary>
/// The typed readers <see cref="TypedObjectWriter"/> writes for ring buffers and perf event arrays whose event type is
/// known: from a <c>MAP:TYPE</c> entry of Types, or from the BTF global <c>ebpf_event__MAP</c> (ebpf/buffer.bpf.h).
/// </summary>
public class EventReaderGenerationTests
{
    [Test]
    public void TheBtfGlobalNamesTheEventTypeOfABuffer()
    {
        var writer = new TypedObjectWriter(CollectionSpec.Load(TestPrograms.Path("event_buffer")), new TypedObjectOptions { ObjectName = "event_buffer" });
        string source = writer.Write();
        Assert.That(source, Does.Contain("public global::Ebpf.Kernel.EventBufferReader OpenEventsReader(global::Ebpf.Kernel.PerfEventReaderOptions? perfOptions = null) =>"));
        Assert.That(source, Does.Contain("IAsyncEnumerable<BufferEvent> ReadEventsAsync("));
        Assert.That(source, Does.Contain("public partial struct BufferEvent").Or.Contain("struct BufferEvent"));
        Assert.That(source, Does.Not.Contain("EbpfEventEvents"), "the marker global is not a variable property");
        Assert.That(source, Does.Contain("EbpfBufferEvents"), "the kind constant is");
        Assert.That(writer.Skipped, Is.Empty);
    }

    [Test]
    public void AMapTypeEntryOfTypesNamesTheEventTypeOfARingBuffer()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("typed"));
        string plain = new TypedObjectWriter(spec, new TypedObjectOptions { ObjectName = "typed", Types = ["typed_event"] }).Write();
        Assert.That(plain, Does.Not.Contain("OpenEventsReader"), "a type alone names no map");
        Assert.That(plain, Does.Contain("struct TypedEvent"));

        string typed = new TypedObjectWriter(spec, new TypedObjectOptions { ObjectName = "typed", Types = ["events:typed_event"] }).Write();
        Assert.That(typed, Does.Contain("OpenEventsReader("));
        Assert.That(typed, Does.Contain("IAsyncEnumerable<TypedEvent> ReadEventsAsync("));
        Assert.That(typed, Does.Contain("struct TypedEvent"));
    }

    [Test]
    public void AnEntryForAMapThatIsNoBufferIsReported()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("typed"));
        var writer = new TypedObjectWriter(spec, new TypedObjectOptions { ObjectName = "typed", Types = ["values:typed_event", "missing:typed_event"] });
        string source = writer.Write();
        Assert.That(source, Does.Not.Contain("OpenValuesReader"));
        Assert.That(writer.Skipped.Select(s => s.Type), Is.EquivalentTo(new[] { "values:typed_event", "missing:typed_event" }));
        Assert.That(writer.Skipped[0].Reason, Does.Contain("no ring buffer or perf event array named"));
    }
}
