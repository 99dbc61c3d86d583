namespace Ebpf.Tests.Specs;

/// <summary>
/// Asks the installed libbpf what <c>libbpf_prog_type_by_name</c> makes of section names, through a small C
/// program compiled with gcc against <c>-lbpf</c>.
/// </summary>
public static class LibbpfSectionNames
{
    private const string HarnessSource = """
        #include <stdio.h>
        #include <string.h>
        #include <stdarg.h>
        #include <bpf/libbpf.h>

        /* With --tables, libbpf's debug messages listing its section names are printed; otherwise nothing. */
        static int tables;

        static int print(enum libbpf_print_level level, const char *format, va_list args)
        {
            char line[8192];
            const char *list;
            (void)level;
            if (!tables)
                return 0;
            vsnprintf(line, sizeof(line), format, args);
            list = strstr(line, "names are:");
            if (list)
                printf("%s", list + strlen("names are:"));
            return 0;
        }

        int main(int argc, char **argv)
        {
            enum bpf_prog_type type;
            enum bpf_attach_type attach;
            libbpf_set_print(print);
            if (argc == 2 && strcmp(argv[1], "--tables") == 0) {
                tables = 1;
                libbpf_prog_type_by_name("-", &type, &attach);
                libbpf_attach_type_by_name("-", &attach);
                return 0;
            }
            for (int i = 1; i < argc; i++) {
                if (libbpf_prog_type_by_name(argv[i], &type, &attach) == 0)
                    printf("%u %u", (unsigned)type, (unsigned)attach);
                else
                    printf("- -");
                if (libbpf_attach_type_by_name(argv[i], &attach) == 0)
                    printf(" %u\n", (unsigned)attach);
                else
                    printf(" -\n");
            }
            return 0;
        }
        """;

    /// <summary>
    /// Resolves each name with libbpf (<c>libbpf_prog_type_by_name</c> and <c>libbpf_attach_type_by_name</c>),
    /// null when libbpf does not know the name. Ignores the test when gcc or the libbpf headers are missing.
    /// </summary>
    public static IReadOnlyDictionary<string, LibbpfSectionAnswer?> Resolve(IReadOnlyList<string> names)
    {
        var lines = RunHarness([.. names]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(names.Count), "one answer per name");
        var result = new Dictionary<string, LibbpfSectionAnswer?>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            var parts = lines[i].Split(' ');
            result[names[i]] = parts[0] == "-"
                ? null
                : new LibbpfSectionAnswer(uint.Parse(parts[0]), uint.Parse(parts[1]), parts[2] == "-" ? null : uint.Parse(parts[2]));
        }

        return result;
    }

    /// <summary>
    /// libbpf's own list of section patterns, in table order, and the patterns it calls attachable, both read
    /// from the debug messages libbpf prints for an unknown name.
    /// </summary>
    public static (IReadOnlyList<string> All, IReadOnlyList<string> Attachable) Tables()
    {
        var lines = RunHarness("--tables").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(2), "two lists of names from libbpf");
        return (lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries), lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    private static string RunHarness(params string[] arguments) => ExternalTool.Run(LibbpfHarness.Build(HarnessSource), arguments);
}
