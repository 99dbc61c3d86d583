namespace Ebpf.Tests;

/// <summary>A blocking call run on a pool thread, for tests that check what wakes it.</summary>
public static class BlockedCall
{
    /// <summary>Starts <paramref name="call"/> and checks that it is still blocked 100 ms later.</summary>
    public static Task<T> Start<T>(Func<T> call)
    {
        var task = Task.Run(call);
        Thread.Sleep(100);
        Assert.That(task.IsCompleted, Is.False);
        return task;
    }

    /// <summary>Checks that <paramref name="task"/> ends within 10 s by throwing <typeparamref name="TException"/>.</summary>
    public static void AssertThrows<TException>(Task task)
        where TException : Exception
    {
        var e = Assert.Throws<AggregateException>(() => task.Wait(TimeSpan.FromSeconds(10)))!;
        Assert.That(e.InnerException, Is.InstanceOf<TException>());
    }
}
