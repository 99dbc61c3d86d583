using System.Globalization;

namespace Ebpf.Kernel;

/// <summary>
/// The text of libbpf-tools' <c>print_log2_hist</c> and <c>print_linear_hist</c> (<c>trace_helpers.c</c>): a header
/// naming the value type, then one line per slot with its bounds, its count and a bar of stars scaled to the largest
/// count. Lines end with <c>\n</c> whatever <see cref="TextWriter.NewLine"/> says.
/// </summary>
internal static class HistogramText
{
    /// <summary>The width of the star bar, and of the log2 bar when its bounds fit 33 bits.</summary>
    public const int StarsWidth = 40;

    /// <summary>The last log2 slot printed with the narrow layout (10-digit bounds, 40 stars).</summary>
    private const int LastNarrowSlot = 32;

    public static void WriteLog2(TextWriter writer, IReadOnlyList<ulong> counts, string valueType)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(valueType);
        var (_, last, max) = Extent(counts);
        if (last < 0)
        {
            return;
        }

        bool narrow = last <= LastNarrowSlot;
        writer.Write(new string(' ', narrow ? 5 : 15));
        writer.Write(valueType.PadRight(narrow ? 19 : 29));
        writer.Write(" : count    distribution\n");

        int boundWidth = narrow ? 10 : 20;
        int stars = narrow ? StarsWidth : StarsWidth / 2;
        for (int slot = 0; slot <= last; slot++)
        {
            var (low, high) = Log2Histogram.SlotBounds(slot);
            writer.Write(low.ToString(CultureInfo.InvariantCulture).PadLeft(boundWidth));
            writer.Write(" -> ");
            writer.Write(high.ToString(CultureInfo.InvariantCulture).PadRight(boundWidth));
            WriteCountAndBar(writer, counts[slot], max, stars);
        }
    }

    public static void WriteLinear(TextWriter writer, IReadOnlyList<ulong> counts, ulong start, ulong step, string valueType)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(valueType);
        var (first, last, max) = Extent(counts);
        if (last < 0)
        {
            return;
        }

        writer.Write("     ");
        writer.Write(valueType.PadRight(13));
        writer.Write(" : count     distribution\n");
        for (int slot = first; slot <= last; slot++)
        {
            if (counts[slot] == 0)
            {
                continue;
            }

            writer.Write("        ");
            writer.Write(unchecked(start + ((ulong)slot * step)).ToString(CultureInfo.InvariantCulture).PadRight(10));
            WriteCountAndBar(writer, counts[slot], max, StarsWidth);
        }
    }

    /// <summary>The first and last non-zero slots (-1 when all are zero) and the largest count.</summary>
    private static (int First, int Last, ulong Max) Extent(IReadOnlyList<ulong> counts)
    {
        int first = -1, last = -1;
        ulong max = 0;
        for (int i = 0; i < counts.Count; i++)
        {
            if (counts[i] > 0)
            {
                last = i;
                if (first < 0)
                {
                    first = i;
                }
            }

            max = Math.Max(max, counts[i]);
        }

        return (first, last, max);
    }

    /// <summary>Writes <c> : count |*** |</c> and the newline: the count left-aligned in 8, the bar <paramref name="width"/> wide.</summary>
    private static void WriteCountAndBar(TextWriter writer, ulong count, ulong max, int width)
    {
        writer.Write(" : ");
        writer.Write(count.ToString(CultureInfo.InvariantCulture).PadRight(8));
        writer.Write(" |");
        int stars = (int)((UInt128)count * (uint)width / max); // count <= max, so no '+' overflow mark is ever due
        writer.Write(new string('*', stars));
        writer.Write(new string(' ', width - stars));
        writer.Write("|\n");
    }
}
