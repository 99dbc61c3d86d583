using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Ebpf.Hosting;

namespace Ebpf.Tests.Hosting;

/// <summary>The measurements of the <c>Ebpf</c> meter tagged with one source.</summary>
internal sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, long Value)> _values = new();

    public MeasurementRecorder(string source)
    {
        _listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == EbpfMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "ebpf.source" && Equals(tag.Value, source))
                {
                    _values.Enqueue((instrument.Name, value));
                }
            }
        });
        _listener.Start();
    }

    public long Sum(string instrument) => _values.Where(v => v.Instrument == instrument).Sum(v => v.Value);

    public long Last(string instrument) => _values.LastOrDefault(v => v.Instrument == instrument).Value;

    public void Dispose() => _listener.Dispose();
}
