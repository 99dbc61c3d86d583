using System.Runtime.CompilerServices;

namespace Ebpf.Kernel;

/// <summary>
/// The wake-up path of the readers' <c>ReadAllAsync</c>. The stream drains the reader with <c>TryRead</c>; when the
/// reader is empty it hands the wait to a dedicated thread (<see cref="EventWaitThread"/>), which sleeps in epoll_wait
/// and, once woken, resumes the stream on itself: the records of the wake-up are read, and the loop body runs when
/// it completes synchronously, on the woken thread, with no thread-pool hop and no thread-pool thread blocked in
/// epoll_wait. A body that awaits real asynchronous work continues where that work completes, and hands the next
/// wait back to the thread.
/// </summary>
internal static class EventReadThread
{
    /// <summary>
    /// Streams <paramref name="source"/>'s records until <paramref name="cancellationToken"/> is cancelled or the reader
    /// fails or is disposed (the stream then throws what the reader threw). Leaving the stream stops the thread.
    /// </summary>
    public static async IAsyncEnumerable<TRecord> ReadAllAsync<TRecord>(IEventSource<TRecord> source, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var waiter = new EventWaitThread(token => source.Wait(Timeout.InfiniteTimeSpan, token), cancellationToken);
        try
        {
            while (true)
            {
                while (source.TryRead(out var record))
                {
                    yield return record;
                }

                await waiter.WaitAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            await waiter.StopAsync().ConfigureAwait(false);
        }
    }
}
