using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Ebpf.Kernel;

/// <summary>
/// The wake-up path of the readers' <c>ReadAllAsync</c>: a dedicated thread waits on the reader's epoll set and, once
/// woken, drains every available record into a bounded channel at once, so the ring's space is given back to the
/// kernel at the thread's pace, not at the pace of the <c>await foreach</c> body; the stream reads from the channel.
/// No thread-pool thread blocks in epoll_wait, and no thread-pool hop stands between a wake-up and the drain.
/// </summary>
internal static class EventReadThread
{
    /// <summary>
    /// How many read records may wait for the stream's consumer; when the channel is full the thread stops reading,
    /// the ring fills and the kernel drops new records, as it would without the channel.
    /// </summary>
    public const int Capacity = 4096;

    /// <summary>
    /// Streams <paramref name="source"/>'s records, read on a dedicated thread, until <paramref name="cancellationToken"/>
    /// is cancelled or the reader fails or is disposed (the stream then throws what the reader threw). Leaving the
    /// stream stops the thread and waits until it has left the reader.
    /// </summary>
    public static async IAsyncEnumerable<TRecord> ReadAllAsync<TRecord>(IEventSource<TRecord> source, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<TRecord>(new BoundedChannelOptions(Capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var left = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() => Pump(source, channel.Writer, left, stop.Token))
        {
            IsBackground = true,
            Name = "ebpf events",
        };
        thread.Start();
        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var record))
                {
                    yield return record;
                }
            }

            // Completed without an error only when the thread was stopped, that is when the token was cancelled.
            cancellationToken.ThrowIfCancellationRequested();
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await left.Task.ConfigureAwait(false);
        }
    }

    /// <summary>The thread: drain, wait, again; completes the channel with what ended it.</summary>
    private static void Pump<TRecord>(IEventSource<TRecord> source, ChannelWriter<TRecord> writer, TaskCompletionSource left, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                while (source.TryRead(out var record))
                {
                    while (!writer.TryWrite(record))
                    {
                        if (!writer.WaitToWriteAsync(stop).AsTask().GetAwaiter().GetResult())
                        {
                            return;
                        }
                    }
                }

                source.Wait(Timeout.InfiniteTimeSpan, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            writer.TryComplete();
        }
        catch (Exception e)
        {
            writer.TryComplete(e);
        }
        finally
        {
            left.TrySetResult();
        }
    }
}
