using Ebpf.Kernel;

namespace Ebpf.Tests;

/// <summary>
/// One step of a kernel test that needs a feature the test is not about (lookup-and-delete on hash maps, 5.14): when
/// the SDK says the kernel lacks it (<see cref="EbpfNotSupportedException"/>), the test output names the skipped step
/// and a stand-in that leaves the same state runs instead, so the rest of the test still checks its subject.
/// </summary>
public static class OptionalStep
{
    /// <summary>Runs <paramref name="step"/>, or <paramref name="instead"/> when the kernel lacks <paramref name="feature"/>.</summary>
    /// <param name="feature">The feature, as the output names it.</param>
    /// <param name="step">The step that needs the feature.</param>
    /// <param name="instead">What leaves the state <paramref name="step"/> would have left, without the feature.</param>
    /// <returns>Whether <paramref name="step"/> ran.</returns>
    public static bool Run(string feature, Action step, Action instead)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(instead);
        try
        {
            step();
            return true;
        }
        catch (EbpfNotSupportedException e)
        {
            TestContext.Out.WriteLine($"skipped step {feature}: {e.Message}");
            instead();
            return false;
        }
    }
}
