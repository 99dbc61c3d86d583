namespace Ebpf.Kernel;

/// <summary>
/// A dedicated thread that runs a reader's blocking wait on request and completes the request on itself, so that the
/// awaiting code resumes on the woken thread (synchronous continuations). One request at a time.
/// </summary>
internal sealed class EventWaitThread
{
    private readonly Action<CancellationToken> _wait;
    private readonly CancellationTokenSource _stop;
    private readonly SemaphoreSlim _requested = new(0);
    private readonly TaskCompletionSource _left = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _thread;
    private TaskCompletionSource? _pending;

    /// <summary>Starts the thread; <paramref name="wait"/> blocks until the reader has a record, and throws when cancelled.</summary>
    public EventWaitThread(Action<CancellationToken> wait, CancellationToken cancellationToken)
    {
        _wait = wait;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _thread = new Thread(Run) { IsBackground = true, Name = "ebpf events" };
        _thread.Start(_stop.Token);
    }

    /// <summary>Completes, on the thread, once the wait returned; faults with what it threw.</summary>
    public Task WaitAsync()
    {
        // No RunContinuationsAsynchronously: the continuation runs on the thread that completes the request.
        var pending = new TaskCompletionSource();
        Volatile.Write(ref _pending, pending);
        _requested.Release();
        return pending.Task;
    }

    /// <summary>
    /// Stops the thread; completes once it has left the wait (at once when called on the thread itself, which then
    /// leaves when the caller returns to it).
    /// </summary>
    public async Task StopAsync()
    {
        _stop.Cancel();
        if (Environment.CurrentManagedThreadId != _thread.ManagedThreadId)
        {
            await _left.Task.ConfigureAwait(false);
        }

        // The thread holds the token, not the source: a disposed source's cancelled token still stops its next wait.
        _stop.Dispose();
    }

    private void Run(object? state)
    {
        var stop = (CancellationToken)state!;
        try
        {
            while (true)
            {
                _requested.Wait(stop);
                var pending = Interlocked.Exchange(ref _pending, null)!;
                try
                {
                    _wait(stop);
                }
                catch (OperationCanceledException e) when (stop.IsCancellationRequested)
                {
                    // Cancelled, not faulted: a request nobody awaits any more (the stream was left) stays unobserved quietly.
                    pending.TrySetCanceled(e.CancellationToken);
                    continue;
                }
                catch (Exception e)
                {
                    pending.TrySetException(e);
                    continue;
                }

                pending.TrySetResult();
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
        finally
        {
            _left.TrySetResult();
        }
    }
}
