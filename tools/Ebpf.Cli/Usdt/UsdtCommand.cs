using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Ebpf.Links;

namespace Ebpf.Cli.Usdt;

/// <summary>
/// <c>ebpf usdt list BINARY [PATTERN] [--verbose]</c>: the USDT probes of an executable or shared library, one
/// <c>usdt:BINARY:PROVIDER:NAME</c> line per probe as <c>bpftrace -l 'usdt:BINARY:*'</c> prints them; with
/// <c>--verbose</c> each site's address, file offset, semaphore and arguments as well.
/// </summary>
public static class UsdtCommand
{
    /// <summary>Creates the <c>usdt</c> command group.</summary>
    public static Command Create()
    {
        var binary = new Argument<FileInfo>("binary") { Description = "An ELF executable or shared library, e.g. /usr/bin/python3.11." };
        var pattern = new Argument<string>("pattern") { Description = "A glob over PROVIDER:NAME (* and ?), e.g. 'python:function*'.", DefaultValueFactory = _ => "*" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Also print each site's address, file offset, semaphore and arguments." };
        var list = new Command("list", "List the USDT probes (.note.stapsdt) of a binary.") { binary, pattern, verbose };
        list.SetAction(result => List(result.GetValue(binary)!, result.GetValue(pattern)!, result.GetValue(verbose), Console.Out));
        return new Command("usdt", "Inspect USDT (sys/sdt.h) probes of user programs.") { list };
    }

    /// <summary>Writes the probes of <paramref name="binary"/> whose <c>PROVIDER:NAME</c> matches <paramref name="pattern"/>.</summary>
    /// <returns>The process exit code: 0, or 1 when nothing matches.</returns>
    public static int List(FileInfo binary, string pattern, bool verbose, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(binary);
        ArgumentNullException.ThrowIfNull(output);
        var glob = new Regex("^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant);
        var probes = UsdtProbe.Read(binary.FullName).Where(p => glob.IsMatch($"{p.Provider}:{p.Name}")).ToList();
        foreach (var group in probes.GroupBy(p => (p.Provider, p.Name)))
        {
            output.WriteLine($"usdt:{binary.FullName}:{group.Key.Provider}:{group.Key.Name}");
            if (!verbose)
            {
                continue;
            }

            foreach (var site in group)
            {
                string offset = site.FileOffset is { } o ? $"0x{o:x}" : "none";
                string semaphore = site.SemaphoreAddress == 0 ? "none" : string.Create(CultureInfo.InvariantCulture, $"0x{site.SemaphoreAddress:x} (offset 0x{site.SemaphoreOffset ?? 0:x})");
                output.WriteLine($"  address 0x{site.Address:x}, file offset {offset}, semaphore {semaphore}, arguments: {(site.Arguments.Length == 0 ? "none" : site.Arguments)}");
            }
        }

        return probes.Count == 0 ? 1 : 0;
    }
}
