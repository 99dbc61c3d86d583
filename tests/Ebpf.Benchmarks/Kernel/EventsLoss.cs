using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Ebpf.Hosting;
using Ebpf.Kernel;
using Ebpf.Links;
using Ebpf.Specs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ebpf.Benchmarks.Kernel;

/// <summary>
/// The C# side of events-vs-libbpf.sh, the twin of native/events_consume.c: loads bpf/events.bpf.c with the ring
/// (ringbuf: the <c>ring</c> map's size; perf: each CPU's ring) set to RING bytes, attaches emit_ringbuf or emit_perf to
/// syscalls:sys_enter_getppid, and per rate of RATES (events/s, each for STEP_MS milliseconds; 0 = a burst of BURST
/// events as fast as the producer can) starts the producer (PRODUCER COUNT RATE), points the program's
/// filter at it and counts the records one of our consumers receives until the producer has exited and every record
/// it produced was received or counted lost. Paced rates after the first one that lost records are skipped; bursts
/// (rate 0) always run; a negative rate is a warm-up step paced at its absolute value, which never ends the ladder.
/// Consumers: <c>consume</c> (a dedicated thread: Wait, then Consume with a struct handler; perf: Consume with a
/// delegate), <c>readall</c> (<c>await foreach</c> over ReadAllAsync: an array per record), <c>readall-reuse</c> (the same
/// with <see cref="RecordLifetime.UntilNextRecord"/>: one reused buffer), <c>hosted</c> (a generic host's consumer with an
/// async <see cref="IEbpfEventHandler"/>), <c>hosted-span</c> (its zero-copy <see cref="IEbpfRecordHandler"/>).
/// Usage: <c>Ebpf.Benchmarks --events ringbuf|perf CONSUMER RING SIZE RATES STEP_MS BURST PRODUCER</c>.
/// Prints per rate: <c>CONSUMER MODE RING SIZE RATE produced received lost cpu_ns wall_ns producer_ns</c>. With
/// <c>EVENTS_DIAG=1</c>, also a <c>diag</c> line per rate on stderr: gen0/1/2 collections, GC pause, bytes allocated
/// and the process's voluntary and involuntary context switches during the step.
/// </summary>
internal static class EventsLoss
{
    private static long _received;

    /// <summary>Runs the ladder of rates; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        string mode = args[0], consumer = args[1];
        int ring = int.Parse(args[2], CultureInfo.InvariantCulture);
        uint size = uint.Parse(args[3], CultureInfo.InvariantCulture);
        string[] rates = args[4].Split(',');
        double stepMilliseconds = double.Parse(args[5], CultureInfo.InvariantCulture);
        string burst = args[6];
        string producer = args[7];
        bool perf = mode == "perf";
        string programName = perf ? "emit_perf" : "emit_ringbuf";

        var spec = CollectionSpec.Load(Path.Combine(AppContext.BaseDirectory, "bpf", "events.bpfel.o"));
        spec.Programs[perf ? "emit_ringbuf" : "emit_perf"] = spec.Programs[perf ? "emit_ringbuf" : "emit_perf"] with { Autoload = false };
        if (!perf)
        {
            spec.Maps["ring"] = spec.Maps["ring"] with { MaxEntries = (uint)ring };
        }

        var perfOptions = new PerfEventReaderOptions { PagesPerCpu = ring / Environment.SystemPageSize };
        using var run = consumer switch
        {
            "consume" => ConsumeOnThread(spec, programName, perf, perfOptions),
            "readall" => ReadAll(spec, programName, perf, perfOptions, RecordLifetime.Owned),
            "readall-reuse" => ReadAll(spec, programName, perf, perfOptions, RecordLifetime.UntilNextRecord),
            "hosted" or "hosted-span" => Hosted(spec, programName, perf, perfOptions, consumer == "hosted-span"),
            _ => throw new ArgumentException($"unknown consumer {consumer}"),
        };

        bool lostPaced = false;
        foreach (string rate in rates)
        {
            // A negative rate is a warm-up step paced at its absolute value: it runs, is printed, and never ends the ladder.
            double perSecond = double.Parse(rate, CultureInfo.InvariantCulture);
            bool warmUp = perSecond < 0;
            double pace = Math.Abs(perSecond);
            bool paced = pace > 0;
            string events = paced ? ((long)(pace * stepMilliseconds / 1000)).ToString(CultureInfo.InvariantCulture) : burst;
            if (paced && !warmUp && lostPaced)
            {
                continue;
            }

            var (produced, lost, cpu, wall, producerWall) = Burst(run.Collection, size, producer, events, pace.ToString("F0", CultureInfo.InvariantCulture));
            lostPaced |= paced && !warmUp && lost > 0;
            Console.WriteLine(string.Join(' ', consumer, mode, ring, size, rate, produced, Interlocked.Read(ref _received), lost, cpu, wall, producerWall));
        }

        return 0;
    }

    /// <summary>One step of the ladder: the producer's burst at <paramref name="rate"/>, consumed until every record is accounted for (or 2 s after the producer exited).</summary>
    private static (long Produced, long Lost, long Cpu, long Wall, long ProducerWall) Burst(Collection collection, uint size, string producer, string events, string rate)
    {
        Span<byte> key = stackalloc byte[4];
        Span<byte> stats = stackalloc byte[16];
        Span<byte> config = stackalloc byte[8];
        key.Clear();
        stats.Clear();
        collection.Maps["stats"].Update(key, stats);
        Interlocked.Exchange(ref _received, 0);

        using var child = Process.Start(new ProcessStartInfo(producer, [events, rate]) { RedirectStandardInput = true })!;
        BinaryPrimitives.WriteUInt32LittleEndian(config, (uint)child.Id);
        BinaryPrimitives.WriteUInt32LittleEndian(config[4..], size);
        collection.Maps["config"].Update(key, config);

        var self = Process.GetCurrentProcess();
        var cpuStart = self.TotalProcessorTime;
        int gc0 = GC.CollectionCount(0), gc1 = GC.CollectionCount(1), gc2 = GC.CollectionCount(2);
        var pause = GC.GetTotalPauseDuration();
        long allocated = GC.GetTotalAllocatedBytes(false);
        var switches = ContextSwitches();
        long start = Stopwatch.GetTimestamp();
        child.StandardInput.Write('g');
        child.StandardInput.Close();
        child.WaitForExit();
        long producerEnd = Stopwatch.GetTimestamp();
        long produced, lost;
        while (true)
        {
            collection.Maps["stats"].Lookup(key, stats);
            produced = BinaryPrimitives.ReadInt64LittleEndian(stats);
            lost = BinaryPrimitives.ReadInt64LittleEndian(stats[8..]);
            if (Interlocked.Read(ref _received) + lost >= produced || Stopwatch.GetElapsedTime(producerEnd).TotalSeconds > 2)
            {
                break;
            }

            Thread.Sleep(1);
        }

        long wall = (long)Stopwatch.GetElapsedTime(start).TotalNanoseconds;
        self.Refresh();
        long cpu = (long)(self.TotalProcessorTime - cpuStart).TotalNanoseconds;
        if (Environment.GetEnvironmentVariable("EVENTS_DIAG") == "1")
        {
            var after = ContextSwitches();
            Console.Error.WriteLine($"diag gc0 {GC.CollectionCount(0) - gc0} gc1 {GC.CollectionCount(1) - gc1} gc2 {GC.CollectionCount(2) - gc2} "
                + $"pause {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds:F2} ms alloc {GC.GetTotalAllocatedBytes(false) - allocated} "
                + $"vcsw {after.Voluntary - switches.Voluntary} ivcsw {after.Involuntary - switches.Involuntary} received {Interlocked.Read(ref _received)}");
        }
        config.Clear();
        collection.Maps["config"].Update(key, config);
        return (produced, lost, cpu, wall, (long)Stopwatch.GetElapsedTime(start, producerEnd).TotalNanoseconds);
    }

    private static (long Voluntary, long Involuntary) ContextSwitches()
    {
        long voluntary = 0, involuntary = 0;
        foreach (string task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                foreach (string line in File.ReadLines(Path.Combine(task, "status")))
                {
                    if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal))
                    {
                        voluntary += long.Parse(line.AsSpan(24).Trim(), CultureInfo.InvariantCulture);
                    }
                    else if (line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                    {
                        involuntary += long.Parse(line.AsSpan(27).Trim(), CultureInfo.InvariantCulture);
                    }
                }
            }
            catch (IOException)
            {
            }
        }

        return (voluntary, involuntary);
    }

    private static Consumer ConsumeOnThread(CollectionSpec spec, string programName, bool perf, PerfEventReaderOptions perfOptions)
    {
        var collection = Collection.Load(spec);
        var link = collection.Programs[programName].AttachTracepoint("syscalls", "sys_enter_getppid");
        var stop = new CancellationTokenSource();
        var thread = new Thread(() =>
        {
            try
            {
                if (perf)
                {
                    using var reader = new PerfEventReader(collection.Maps["perf"], perfOptions);
                    PerfEventRecordHandler count = (_, _, lost) =>
                    {
                        if (lost == 0)
                        {
                            _received++;
                        }
                    };
                    while (true)
                    {
                        reader.Wait(Timeout.InfiniteTimeSpan, stop.Token);
                        reader.Consume(count);
                    }
                }
                else
                {
                    using var reader = new RingBufferReader(collection.Maps["ring"]);
                    var count = new CountingHandler();
                    while (true)
                    {
                        reader.Wait(Timeout.InfiniteTimeSpan, stop.Token);
                        reader.Consume(ref count);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        })
        { IsBackground = true, Name = "consume" };
        thread.Start();
        return new Consumer(collection, () =>
        {
            stop.Cancel();
            thread.Join();
            link.Dispose();
            collection.Dispose();
        });
    }

    private static Consumer ReadAll(CollectionSpec spec, string programName, bool perf, PerfEventReaderOptions perfOptions, RecordLifetime lifetime)
    {
        var collection = Collection.Load(spec);
        var link = collection.Programs[programName].AttachTracepoint("syscalls", "sys_enter_getppid");
        var stop = new CancellationTokenSource();
        var loop = Task.Run(async () =>
        {
            try
            {
                if (perf)
                {
                    using var reader = new PerfEventReader(collection.Maps["perf"], perfOptions);
                    await foreach (var record in reader.ReadAllAsync(lifetime, stop.Token))
                    {
                        if (!record.IsLost)
                        {
                            Interlocked.Increment(ref _received);
                        }
                    }
                }
                else
                {
                    using var reader = new RingBufferReader(collection.Maps["ring"]);
                    await foreach (var record in reader.ReadAllAsync(lifetime, stop.Token))
                    {
                        Interlocked.Increment(ref _received);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        return new Consumer(collection, () =>
        {
            stop.Cancel();
            loop.GetAwaiter().GetResult();
            link.Dispose();
            collection.Dispose();
        });
    }

    private static Consumer Hosted(CollectionSpec spec, string programName, bool perf, PerfEventReaderOptions perfOptions, bool inPlace)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddEbpf(o => o.PinPath = string.Empty);
        builder.Services.AddEbpfCollection("events", b => b
            .FromSpec(() => spec)
            .Attach(c => c.Programs[programName].AttachTracepoint("syscalls", "sys_enter_getppid")));
        string map = perf ? "perf" : "ring";
        if (inPlace && perf)
        {
            builder.Services.AddEbpfPerfEventRecordConsumer<RecordCounter>("events", map, perfOptions);
        }
        else if (inPlace)
        {
            builder.Services.AddEbpfRingBufferRecordConsumer<RecordCounter>("events", map);
        }
        else if (perf)
        {
            builder.Services.AddEbpfPerfEventConsumer("events", map, CountAsync, perfOptions);
        }
        else
        {
            builder.Services.AddEbpfRingBufferConsumer("events", map, CountAsync);
        }

        var host = builder.Build();
        host.Start();
        var collection = host.Services.GetRequiredKeyedService<EbpfCollectionHandle>("events").Collection;
        return new Consumer(collection, () =>
        {
            host.StopAsync().GetAwaiter().GetResult();
            host.Dispose();
        });
    }

    private static ValueTask CountAsync(EbpfEvent record, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _received);
        return ValueTask.CompletedTask;
    }

    /// <summary>A running consumer: the collection the bursts configure, and how to stop it.</summary>
    private sealed class Consumer(Collection collection, Action stop) : IDisposable
    {
        public Collection Collection { get; } = collection;

        public void Dispose() => stop();
    }

    /// <summary>Counts ring buffer records for Consume (the loop is compiled for it).</summary>
    private struct CountingHandler : IRingBufferRecordHandler
    {
        public readonly void Handle(ReadOnlySpan<byte> data) => _received++;
    }

    /// <summary>Counts the records a hosted zero-copy consumer hands over.</summary>
    private sealed class RecordCounter : IEbpfRecordHandler
    {
        public void Handle(ReadOnlySpan<byte> data, int cpu) => _received++;
    }
}
