using System.Threading.Tasks.Sources;

namespace Ebpf.Kernel;

/// <summary>
/// A dedicated thread that runs a reader's blocking wait on request and completes the request on itself, so that the
/// awaiting code resumes on the woken thread (synchronous continuations). One request at a time; every request is
/// the same reused awaitable (no allocation per wake-up), so a request's result must be awaited once, before the next.
/// </summary>
internal sealed class EventWaitThread : IValueTaskSource
{
    private readonly Action<CancellationToken> _wait;
    private readonly CancellationTokenSource _stop;
    private readonly SemaphoreSlim _requested = new(0);
    private readonly TaskCompletionSource _left = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _thread;

    // No RunContinuationsAsynchronously: the continuation runs on the thread that completes the request.
    private ManualResetValueTaskSourceCore<bool> _request;
    private bool _pending;

    /// <summary>Starts the thread; <paramref name="wait"/> blocks until the reader has a record, and throws when cancelled.</summary>
    public EventWaitThread(Action<CancellationToken> wait, CancellationToken cancellationToken)
    {
        _wait = wait;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _thread = new Thread(Run) { IsBackground = true, Name = "ebpf events" };
        _thread.Start(_stop.Token);
    }

    /// <summary>
    /// Completes, on the thread, once the wait returned; faults with what it threw (an
    /// <see cref="OperationCanceledException"/> once the token is cancelled or the thread is stopping).
    /// </summary>
    public ValueTask WaitAsync()
    {
        _request.Reset();
        var request = new ValueTask(this, _request.Version);
        Volatile.Write(ref _pending, true);
        _requested.Release();
        return request;
    }

    /// <summary>
    /// Stops the thread; completes once it has left the wait (at once when called on the thread itself, which then
    /// leaves when the caller returns to it).
    /// </summary>
    public async Task StopAsync()
    {
        _stop.Cancel();
        _requested.Release(); // wakes the thread when no request is pending
        if (Environment.CurrentManagedThreadId != _thread.ManagedThreadId)
        {
            await _left.Task.ConfigureAwait(false);
        }

        // The thread holds the token, not the source: a disposed source's cancelled token still stops its next wait.
        _stop.Dispose();
    }

    /// <inheritdoc/>
    void IValueTaskSource.GetResult(short token) => _request.GetResult(token);

    /// <inheritdoc/>
    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _request.GetStatus(token);

    /// <inheritdoc/>
    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _request.OnCompleted(continuation, state, token, flags);

    private void Run(object? state)
    {
        var stop = (CancellationToken)state!;
        try
        {
            while (true)
            {
                // Not cancelled by the token: a request made as the token is cancelled still completes (the wait
                // throws at once), so the stream never awaits a request nobody completes.
                _requested.Wait();
                if (!Volatile.Read(ref _pending))
                {
                    break; // StopAsync
                }

                Volatile.Write(ref _pending, false);
                try
                {
                    _wait(stop);
                }
                catch (Exception e)
                {
                    _request.SetException(e);
                    continue;
                }

                _request.SetResult(true);
            }
        }
        finally
        {
            _left.TrySetResult();
        }
    }
}
