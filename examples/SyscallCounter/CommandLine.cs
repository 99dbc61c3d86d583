using System.Globalization;

namespace SyscallCounter;

/// <summary>The command line: <c>[--duration SECONDS] [--top N]</c>.</summary>
internal sealed record CommandLine(TimeSpan? Duration, int Top)
{
    /// <summary>Parses the arguments; null when they are not understood.</summary>
    public static CommandLine? Parse(string[] args)
    {
        TimeSpan? duration = null;
        int top = 15;
        for (int i = 0; i < args.Length; i++)
        {
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--duration" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds > 0:
                    duration = TimeSpan.FromSeconds(seconds);
                    i++;
                    break;
                case "--top" when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0:
                    top = n;
                    i++;
                    break;
                default:
                    return null;
            }
        }

        return new CommandLine(duration, top);
    }
}
