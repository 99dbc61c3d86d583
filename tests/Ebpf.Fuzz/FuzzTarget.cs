namespace Ebpf.Fuzz;

/// <summary>One decoder under fuzzing: how to feed it an input, and the exceptions that count as a clean rejection.</summary>
/// <param name="Name">Short name, used on the command line and as the corpus folder.</param>
/// <param name="Run">Decodes the input and uses every read path of the result.</param>
/// <param name="Rejections">Exception types that mean "bad input, said clearly".</param>
public sealed record FuzzTarget(string Name, Action<byte[]> Run, IReadOnlyList<Type> Rejections)
{
    /// <summary>Whether <paramref name="exception"/> is one of <see cref="Rejections"/> (or derives from one).</summary>
    public bool IsRejection(Exception exception) => Rejections.Any(type => type.IsInstanceOfType(exception));
}
