using System.Globalization;

namespace Ebpf.Tests;

/// <summary>
/// Scales wall-clock timeouts of tests by <c>EBPF_TEST_TIMEOUT_SCALE</c> (a positive number, 1 when unset):
/// tests/vm/run.sh sets it in the guest, where emulation makes processes start many times slower.
/// </summary>
public static class TestTimeouts
{
    private static readonly double Factor =
        double.TryParse(Environment.GetEnvironmentVariable("EBPF_TEST_TIMEOUT_SCALE"), NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && f > 0 ? f : 1;

    /// <summary><paramref name="timeout"/> times the scale.</summary>
    public static TimeSpan Scaled(TimeSpan timeout) => timeout * Factor;
}
