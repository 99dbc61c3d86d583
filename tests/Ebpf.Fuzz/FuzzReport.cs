namespace Ebpf.Fuzz;

/// <summary>The outcome of a run: inputs tried, how they ended, and every failure.</summary>
public sealed class FuzzReport
{
    /// <summary>Inputs fed to targets.</summary>
    public long Inputs { get; set; }

    /// <summary>Inputs the target accepted.</summary>
    public long Accepted { get; set; }

    /// <summary>Inputs the target rejected with a typed exception.</summary>
    public long Rejected { get; set; }

    /// <summary>The inputs that failed.</summary>
    public List<FuzzFailure> Failures { get; } = [];

    /// <summary>The summary line: <c>fuzz: N inputs, N failures</c>.</summary>
    public override string ToString() => $"fuzz: {Inputs} inputs, {Failures.Count} failures";
}
