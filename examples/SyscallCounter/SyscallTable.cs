using System.Globalization;

namespace SyscallCounter;

/// <summary>Prints the processes with the most system calls per second since the previous snapshot.</summary>
/// <param name="top">How many processes to show.</param>
/// <param name="duration">The run time, shown beside the elapsed time; null when running until Ctrl+C.</param>
/// <param name="terminal">The terminal to clear before each table; null when the output is not a terminal.</param>
internal sealed class SyscallTable(int top, TimeSpan? duration, TextWriter? terminal)
{
    /// <summary>Prints one table from two snapshots of the pid → count map.</summary>
    public void Print(TextWriter output, TimeSpan elapsed, IReadOnlyDictionary<uint, ulong> current, IReadOnlyDictionary<uint, ulong> previous)
    {
        var rates = current
            .Select(entry => (Pid: entry.Key, Total: entry.Value, Rate: entry.Value - previous.GetValueOrDefault(entry.Key)))
            .Where(row => row.Rate > 0)
            .OrderByDescending(row => row.Rate)
            .ToList();
        ulong sum = 0;
        foreach (var row in rates)
        {
            sum += row.Rate;
        }

        var text = new System.Text.StringBuilder();
        string progress = duration is { } d ? $"[{Format(elapsed)} / {Format(d)}]" : $"[{Format(elapsed)}]  Ctrl+C to stop";
        text.AppendLine(CultureInfo.InvariantCulture, $"System calls per second by process  {progress}");
        text.AppendLine(CultureInfo.InvariantCulture, $"{rates.Count} processes, {sum:N0} system calls/s");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"PID",8}  {"COMM",-16}  {"SYSCALLS/S",12}  {"TOTAL",14}");
        foreach (var row in rates.Take(top))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{row.Pid,8}  {Comm(row.Pid),-16}  {row.Rate,12:N0}  {row.Total,14:N0}");
        }

        if (terminal is not null)
        {
            terminal.Write("\e[H\e[2J");
        }
        else
        {
            text.AppendLine();
        }

        output.Write(text.ToString());
        output.Flush();
    }

    private static string Format(TimeSpan time) =>
        time.TotalHours >= 1 ? time.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : time.ToString(@"mm\:ss", CultureInfo.InvariantCulture);

    private static string Comm(uint pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").TrimEnd('\n');
        }
        catch (IOException)
        {
            return "(exited)";
        }
    }
}
