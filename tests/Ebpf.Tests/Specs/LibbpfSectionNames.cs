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

        static int quiet(enum libbpf_print_level level, const char *format, va_list args)
        {
            (void)level; (void)format; (void)args;
            return 0;
        }

        int main(int argc, char **argv)
        {
            libbpf_set_print(quiet);
            for (int i = 1; i < argc; i++) {
                enum bpf_prog_type type;
                enum bpf_attach_type attach;
                if (libbpf_prog_type_by_name(argv[i], &type, &attach) == 0)
                    printf("%u %u\n", (unsigned)type, (unsigned)attach);
                else
                    printf("-\n");
            }
            return 0;
        }
        """;

    /// <summary>
    /// Resolves each name with libbpf: (program type, expected attach type) as numbers, or null when libbpf
    /// does not know the name. Ignores the test when gcc or the libbpf headers are missing.
    /// </summary>
    public static IReadOnlyDictionary<string, (uint ProgramType, uint AttachType)?> Resolve(IReadOnlyList<string> names)
    {
        if (!File.Exists("/usr/include/bpf/libbpf.h"))
        {
            Assert.Ignore("libbpf headers (libbpf-dev) are not installed");
        }

        string directory = Directory.CreateTempSubdirectory("ebpf-sections-").FullName;
        try
        {
            string source = Path.Combine(directory, "harness.c");
            string binary = Path.Combine(directory, "harness");
            File.WriteAllText(source, HarnessSource);
            (int, string, string) compiled;
            try
            {
                compiled = ExternalTool.Execute("gcc", "-Wall", "-o", binary, source, "-lbpf");
            }
            catch (System.ComponentModel.Win32Exception)
            {
                Assert.Ignore("gcc is not installed");
                throw;
            }

            if (compiled.Item1 != 0)
            {
                Assert.Ignore($"cannot build the libbpf harness: {compiled.Item3}");
            }

            var lines = ExternalTool.Run(binary, [.. names]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.That(lines, Has.Length.EqualTo(names.Count), "one answer per name");
            var result = new Dictionary<string, (uint, uint)?>(StringComparer.Ordinal);
            for (int i = 0; i < names.Count; i++)
            {
                var parts = lines[i].Split(' ');
                result[names[i]] = parts.Length == 2 ? (uint.Parse(parts[0]), uint.Parse(parts[1])) : null;
            }

            return result;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
