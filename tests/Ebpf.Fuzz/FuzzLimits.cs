namespace Ebpf.Fuzz;

/// <summary>What an input may cost before it counts as a failure.</summary>
/// <param name="TimePerInput">Longest a single input may take.</param>
/// <param name="HangAfter">When an input is declared hung and the run stops.</param>
/// <param name="AllocationFactor">Bytes that may be allocated per input byte.</param>
/// <param name="AllocationSlack">Bytes that may be allocated on top of that.</param>
public sealed record FuzzLimits(TimeSpan TimePerInput, TimeSpan HangAfter, long AllocationFactor, long AllocationSlack)
{
    /// <summary>One second per input, 20 s to a hang, 64 bytes per input byte plus 8 MiB.</summary>
    public static FuzzLimits Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20), 64, 8 << 20);

    /// <summary>Allocation allowed for an input of <paramref name="length"/> bytes.</summary>
    public long AllocationLimit(int length) => (AllocationFactor * length) + AllocationSlack;
}
