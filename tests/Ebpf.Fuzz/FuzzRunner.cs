using System.Diagnostics;

namespace Ebpf.Fuzz;

/// <summary>
/// Feeds mutated seeds to a target on a worker thread and checks each input's outcome, time and allocation.
/// A watchdog stops the run when one input hangs; that input is reported as a failure.
/// </summary>
public sealed class FuzzRunner
{
    private readonly FuzzLimits _limits;

    /// <summary>Creates a runner with the given limits (default: <see cref="FuzzLimits.Default"/>).</summary>
    public FuzzRunner(FuzzLimits? limits = null) => _limits = limits ?? FuzzLimits.Default;

    /// <summary>Runs one input and returns a failure reason, or null when it was accepted or cleanly rejected.</summary>
    /// <param name="target">The target.</param>
    /// <param name="input">The input.</param>
    /// <param name="rejected">Whether the target rejected it with a typed exception.</param>
    public string? RunOne(FuzzTarget target, byte[] input, out bool rejected)
    {
        rejected = false;
        long before = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        string? failure = null;
        try
        {
            target.Run(input);
        }
        catch (Exception e) when (target.IsRejection(e))
        {
            rejected = true;
        }
        catch (Exception e)
        {
            failure = $"{e.GetType().FullName}: {e.Message}\n{e.StackTrace}";
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (failure is null && elapsed > _limits.TimePerInput)
        {
            failure = $"took {elapsed.TotalMilliseconds:F0} ms (limit {_limits.TimePerInput.TotalMilliseconds:F0} ms)";
        }

        if (failure is null && allocated > _limits.AllocationLimit(input.Length))
        {
            failure = $"allocated {allocated} bytes for a {input.Length}-byte input (limit {_limits.AllocationLimit(input.Length)})";
        }

        return failure;
    }

    /// <summary>Fuzzes <paramref name="target"/> until <paramref name="maxInputs"/> inputs or <paramref name="duration"/>, whichever comes first.</summary>
    /// <param name="target">The target.</param>
    /// <param name="seeds">Real inputs to mutate; each is also run once unmutated.</param>
    /// <param name="seed">The random seed: the same seed gives the same inputs.</param>
    /// <param name="maxInputs">Most inputs to try.</param>
    /// <param name="duration">Longest time to run.</param>
    /// <param name="report">Where counts and failures are added.</param>
    public void Run(FuzzTarget target, IReadOnlyList<FuzzSeed> seeds, int seed, long maxInputs, TimeSpan duration, FuzzReport report)
    {
        if (seeds.Count == 0)
        {
            return;
        }

        long currentStart = 0;
        byte[]? current = null;
        string currentSeed = "";
        var local = new FuzzReport();
        var worker = new Thread(() =>
        {
            var mutator = new Mutator(seed);
            var clock = Stopwatch.StartNew();
            for (long n = 0; n < maxInputs && clock.Elapsed < duration; n++)
            {
                var origin = seeds[(int)(n % seeds.Count)];
                var input = n < seeds.Count ? origin.Bytes : mutator.Mutate(origin.Bytes, seeds[(int)((n * 7) % seeds.Count)].Bytes);
                Volatile.Write(ref current, input);
                currentSeed = origin.Name;
                Volatile.Write(ref currentStart, Stopwatch.GetTimestamp());
                string? failure = RunOne(target, input, out bool rejected);
                Volatile.Write(ref currentStart, 0);
                lock (local)
                {
                    local.Inputs++;
                    if (failure is not null)
                    {
                        local.Failures.Add(new FuzzFailure(target.Name, origin.Name, input, failure));
                    }
                    else if (rejected)
                    {
                        local.Rejected++;
                    }
                    else
                    {
                        local.Accepted++;
                    }
                }
            }
        })
        {
            IsBackground = true,
            Name = $"fuzz {target.Name}",
        };
        worker.Start();
        while (!worker.Join(TimeSpan.FromMilliseconds(200)))
        {
            long started = Volatile.Read(ref currentStart);
            if (started != 0 && Stopwatch.GetElapsedTime(started) > _limits.HangAfter)
            {
                lock (local)
                {
                    local.Inputs++;
                    local.Failures.Add(new FuzzFailure(target.Name, currentSeed, Volatile.Read(ref current)!, $"hung for more than {_limits.HangAfter.TotalSeconds:F0} s"));
                }

                break;
            }
        }

        lock (local)
        {
            report.Inputs += local.Inputs;
            report.Accepted += local.Accepted;
            report.Rejected += local.Rejected;
            report.Failures.AddRange(local.Failures);
        }
    }
}
