using System.Globalization;

namespace Ebpf.Kernel;

/// <summary>
/// Addresses of kernel symbols from <c>/proc/kallsyms</c>, for typeless ksyms (<c>extern const void sym __ksym</c>),
/// as libbpf resolves them: the first line naming the symbol, in vmlinux or a module.
/// </summary>
internal static class KernelSymbolAddresses
{
    /// <summary>Where the kernel lists its symbols.</summary>
    public const string DefaultPath = "/proc/kallsyms";

    /// <summary>Finds the addresses of <paramref name="names"/>; a name the file lacks is not in the result.</summary>
    /// <param name="names">The symbols wanted.</param>
    /// <param name="path">The kallsyms file (<see cref="DefaultPath"/>).</param>
    /// <exception cref="EbpfException">The file cannot be read.</exception>
    public static Dictionary<string, ulong> Find(IReadOnlyCollection<string> names, string path = DefaultPath)
    {
        var found = new Dictionary<string, ulong>(StringComparer.Ordinal);
        if (names.Count == 0)
        {
            return found;
        }

        var wanted = names as IReadOnlySet<string> ?? names.ToHashSet(StringComparer.Ordinal);
        try
        {
            using var reader = new StreamReader(path);
            while (reader.ReadLine() is { } line && found.Count < wanted.Count)
            {
                if (Parse(line) is ({ } name, ulong address) && wanted.Contains(name))
                {
                    found.TryAdd(name, address);
                }
            }
        }
        catch (IOException e)
        {
            throw new EbpfException($"cannot read {path} for typeless ksyms: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new EbpfException($"cannot read {path} for typeless ksyms: {e.Message}", e);
        }

        return found;
    }

    /// <summary>One line: <c>address type name</c>, optionally followed by a tab and <c>[module]</c>.</summary>
    internal static (string? Name, ulong Address) Parse(string line)
    {
        var span = line.AsSpan();
        int first = span.IndexOf(' ');
        if (first <= 0 || !ulong.TryParse(span[..first], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong address))
        {
            return (null, 0);
        }

        var rest = span[(first + 1)..];
        int second = rest.IndexOf(' ');
        if (second < 0)
        {
            return (null, 0);
        }

        var name = rest[(second + 1)..];
        int tab = name.IndexOf('\t');
        return (tab >= 0 ? name[..tab].ToString() : name.ToString(), address);
    }
}
