using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace OpenSnoop;

/// <summary>The command line: the filters set before load and when to stop.</summary>
internal sealed record SnoopOptions(uint Pid, uint? Uid, bool FailedOnly, TimeSpan? Duration, long Count)
{
    public const string Usage = "usage: OpenSnoop [--pid PID] [--uid UID] [--failed] [--duration SECONDS] [--count N]";

    /// <summary>Reads <paramref name="args"/>; on a mistake, <paramref name="error"/> says which.</summary>
    public static bool TryParse(string[] args, [NotNullWhen(true)] out SnoopOptions? options, [NotNullWhen(false)] out string? error)
    {
        uint pid = 0;
        uint? uid = null;
        bool failedOnly = false;
        TimeSpan? duration = null;
        long count = long.MaxValue;
        options = null;
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (name == "--failed")
            {
                failedOnly = true;
                continue;
            }

            string? value = i + 1 < args.Length ? args[++i] : null;
            bool ok = value is not null && name switch
            {
                "--pid" => uint.TryParse(value, CultureInfo.InvariantCulture, out pid) && pid > 0,
                "--uid" => uint.TryParse(value, CultureInfo.InvariantCulture, out uint u) && u != uint.MaxValue && (uid = u) is not null,
                "--duration" => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds > 0
                    && (duration = TimeSpan.FromSeconds(seconds)) is not null,
                "--count" => long.TryParse(value, CultureInfo.InvariantCulture, out count) && count > 0,
                _ => false,
            };
            if (!ok)
            {
                error = $"{name} {value}: not an option, or not a valid value for it";
                return false;
            }
        }

        options = new SnoopOptions(pid, uid, failedOnly, duration, count);
        return true;
    }
}
