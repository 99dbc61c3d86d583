namespace ExecSnoop;

/// <summary>How long to trace after attaching (<c>--duration SECONDS</c>); <see langword="null"/> traces until stopped.</summary>
internal sealed record TracingDuration(TimeSpan? Value);
