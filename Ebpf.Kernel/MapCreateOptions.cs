namespace Ebpf.Kernel;

/// <summary>Options of <see cref="Map.Create"/>.</summary>
public sealed record MapCreateOptions
{
    /// <summary>
    /// Resolves the <see cref="Ebpf.Specs.MapEntry.ValueReference"/> of initial entries (a program for a program
    /// array, a map for a map-in-map) to the descriptor whose number becomes the value. The caller keeps ownership
    /// of the returned descriptor. Null when the contents have no references.
    /// </summary>
    public Func<string, BpfFileDescriptor>? ResolveValueReference { get; init; }
}
