namespace Ebpf.Links;

/// <summary>Where a <c>cls_bpf</c> filter goes among a clsact side's filters, for <see cref="NetworkAttachExtensions.AttachTcClassifier(Kernel.Program, int, TcDirection, TcClassifierOptions?)"/>.</summary>
public sealed record TcClassifierOptions
{
    /// <summary>The filter's handle; 0 lets the kernel choose one.</summary>
    public uint Handle { get; init; }

    /// <summary>The filter's priority, lower runs first; 0 lets the kernel choose one (below the lowest in use).</summary>
    public ushort Priority { get; init; }

    /// <summary>
    /// Replace the filter that has <see cref="Handle"/> and <see cref="Priority"/> (both needed) instead of failing
    /// with EEXIST; without such a filter one is created.
    /// </summary>
    public bool Replace { get; init; }

    /// <summary>The filter's name as <c>tc filter show</c> prints it; null for the program's name.</summary>
    public string? Name { get; init; }
}
