using Ebpf.Kernel;

namespace Ebpf.Tests.Reliability;

/// <summary>Element operations from many threads at once on one hash map, and Dispose racing with them.</summary>
[Category("Kernel")]
public class MapConcurrencyTests
{
    private const int Threads = 8;
    private const int KeysPerThread = 64;
    private const int Rounds = 200;

    private static Map CreateHash(string name) =>
        Map.Create(new MapSpec { Name = name, Type = BpfMapType.Hash, KeySize = 4, ValueSize = 8, MaxEntries = Threads * KeysPerThread });

    /// <summary>A value tells its key and round apart: high 32 bits the key, low 32 bits the round.</summary>
    private static ulong ValueOf(uint key, int round) => ((ulong)key << 32) | (uint)round;

    [Test]
    public void EightThreadsUpdateLookupDeleteAndIterateConsistently()
    {
        using var map = CreateHash("concurrent");
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        long iterated = 0;
        using var start = new Barrier(Threads);
        var workers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            try
            {
                Work(t);
            }
            catch (Exception e)
            {
                errors.Enqueue($"thread {t}: {e}"); // reported by the assertion below, not a crashed test host
            }
        })).ToArray();

        void Work(int t)
        {
            start.SignalAndWait();
            uint first = (uint)(t * KeysPerThread);
            for (int round = 0; round < Rounds; round++)
            {
                for (uint key = first; key < first + KeysPerThread; key++)
                {
                    map.Update(key, ValueOf(key, round));
                    if (!map.TryLookup(key, out ulong value) || value != ValueOf(key, round))
                    {
                        errors.Enqueue($"thread {t} round {round}: key {key} read {value:x}, wrote {ValueOf(key, round):x}");
                    }

                    if (key % 2 == 0 && !map.TryDelete(key))
                    {
                        errors.Enqueue($"thread {t}: key {key} vanished before its delete");
                    }

                    if (key % 2 == 0 && map.TryLookup(key, out ulong _))
                    {
                        errors.Enqueue($"thread {t}: deleted key {key} still found");
                    }
                }

                if (round % 20 == 0)
                {
                    // Other threads insert and delete meanwhile: every entry seen must still belong to its key.
                    foreach (var (key, value) in map.Entries<uint, ulong>())
                    {
                        Interlocked.Increment(ref iterated);
                        if (value >> 32 != key || key >= Threads * KeysPerThread)
                        {
                            errors.Enqueue($"thread {t}: iteration saw key {key} with value {value:x}");
                        }
                    }
                }
            }
        }

        foreach (var worker in workers)
        {
            worker.Start();
        }

        foreach (var worker in workers)
        {
            worker.Join();
        }

        Assert.That(errors, Is.Empty);
        Assert.That(iterated, Is.Positive);
        var expected = Enumerable.Range(0, Threads * KeysPerThread).Where(k => k % 2 == 1).Select(k => (uint)k).ToArray();
        Assert.That(map.Keys<uint>().Order(), Is.EqualTo(expected), "the odd keys remain");
        foreach (uint key in expected)
        {
            Assert.That(map.Lookup<uint, ulong>(key), Is.EqualTo(ValueOf(key, Rounds - 1)));
        }
    }

    [Test]
    public void DisposeRacingWithOperationsGivesObjectDisposedAndNeverTouchesAReusedDescriptor()
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            var victim = CreateHash("victim");
            int number = victim.FileDescriptor.DangerousGetFd();
            var unexpected = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
            using var started = new CountdownEvent(4);
            var workers = Enumerable.Range(0, 4).Select(t => new Thread(() =>
            {
                started.Signal();
                try
                {
                    for (uint i = 0; ; i++)
                    {
                        uint key = i % KeysPerThread;
                        switch ((i + (uint)t) % 4)
                        {
                            case 0: victim.TryUpdate(key, ValueOf(key, t)); break;
                            case 1: victim.TryLookup(key, out ulong _); break;
                            case 2: victim.TryDelete(key); break;
                            default: victim.TryGetNextKey(key, out uint _); break;
                        }
                    }
                }
                catch (ObjectDisposedException)
                {
                }
                catch (Exception e) when (e is not EbpfException)
                {
                    unexpected.Enqueue(e);
                }
                catch (EbpfException e) when (e.Errno == Errno.EBADF)
                {
                    unexpected.Enqueue(e); // the number was used after close
                }
                catch (EbpfException)
                {
                }
            })).ToArray();
            foreach (var worker in workers)
            {
                worker.Start();
            }

            started.Wait();
            Thread.Sleep(attempt % 5);
            victim.Dispose();

            // The next map most likely gets the same descriptor number; a racing call that read the number before the
            // close and used it after would write into this map.
            using var successor = CreateHash("successor");
            foreach (var worker in workers)
            {
                worker.Join();
            }

            Assert.That(unexpected, Is.Empty, string.Join("\n", unexpected));
            Assert.That(successor.Keys<uint>(), Is.Empty, $"attempt {attempt}: a racing operation reached the map that reused fd {number} (now fd {successor.FileDescriptor.DangerousGetFd()})");
        }
    }
}
