using System.Globalization;
using System.Net;
using System.Text;
using Ebpf.Kernel;

namespace WebAgent.Live;

/// <summary>Draws a log2 histogram of nanoseconds as an SVG bar chart: one bar per slot from the first to the last non-empty one.</summary>
internal static class HistogramSvg
{
    private const int Width = 720;
    private const int Height = 240;
    private const int Left = 56;
    private const int Bottom = 40;
    private const int Top = 12;

    public static string Render(Log2Histogram? histogram)
    {
        var text = new StringBuilder();
        Append(text, $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"system call latency histogram\">");
        var buckets = histogram?.Buckets.Where(b => b.Count > 0).ToList() ?? [];
        if (buckets.Count == 0)
        {
            Append(text, $"<text x=\"{Width / 2}\" y=\"{Height / 2}\" text-anchor=\"middle\">no system calls timed yet</text></svg>");
            return text.ToString();
        }

        int first = Log2Histogram.SlotOf(buckets[0].Low);
        int last = Log2Histogram.SlotOf(buckets[^1].Low);
        ulong max = buckets.Max(b => b.Count);
        int slots = last - first + 1;
        double slotWidth = (Width - Left - 8) / (double)slots;
        double plotHeight = Height - Top - Bottom;
        Append(text, $"<line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - 8}\" y2=\"{Height - Bottom}\" stroke=\"#888\"/>");
        Append(text, $"<text x=\"{Left - 6}\" y=\"{Top + 10}\" text-anchor=\"end\" font-size=\"11\">{Count(max)}</text>");
        Append(text, $"<text x=\"{Left - 6}\" y=\"{Height - Bottom}\" text-anchor=\"end\" font-size=\"11\">0</text>");
        for (int slot = first; slot <= last; slot++)
        {
            var bucket = histogram!.Buckets[slot];
            double height = bucket.Count == 0 ? 0 : Math.Max(1, plotHeight * bucket.Count / max);
            double x = Left + ((slot - first) * slotWidth);
            string range = $"{Nanoseconds(bucket.Low)} to {Nanoseconds(bucket.High == ulong.MaxValue ? bucket.High : bucket.High + 1)}";
            Append(text, $"<rect class=\"bar\" x=\"{x + 1:F1}\" y=\"{Height - Bottom - height:F1}\" width=\"{slotWidth - 2:F1}\" height=\"{height:F1}\" fill=\"#3b7dd8\">");
            Append(text, $"<title>{WebUtility.HtmlEncode(range)}: {bucket.Count:N0} calls</title></rect>");
            if (slots <= 16 || (slot - first) % 2 == 0)
            {
                Append(text, $"<text x=\"{x + (slotWidth / 2):F1}\" y=\"{Height - Bottom + 14}\" text-anchor=\"middle\" font-size=\"10\">{Nanoseconds(bucket.Low)}</text>");
            }
        }

        Append(text, $"<text x=\"{(Width + Left) / 2}\" y=\"{Height - 6}\" text-anchor=\"middle\" font-size=\"11\">latency (slot from)</text></svg>");
        return text.ToString();
    }

    /// <summary>A duration in nanoseconds with a unit: <c>512ns</c>, <c>2µs</c>, <c>16ms</c>, <c>4s</c> (powers of two, rounded down).</summary>
    public static string Nanoseconds(ulong ns) => ns switch
    {
        < 1_000 => $"{ns}ns",
        < 1_000_000 => $"{ns / 1_000}µs",
        < 1_000_000_000 => $"{ns / 1_000_000}ms",
        _ => $"{ns / 1_000_000_000}s",
    };

    private static string Count(ulong count) => count.ToString("N0", CultureInfo.InvariantCulture);

    private static void Append(StringBuilder text, FormattableString part) => text.Append(part.ToString(CultureInfo.InvariantCulture));
}
