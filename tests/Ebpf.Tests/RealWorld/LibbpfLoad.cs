namespace Ebpf.Tests.RealWorld;

/// <summary>
/// Loads an object with the installed libbpf (<c>bpf_object__open_file</c> then <c>bpf_object__load</c>, defaults
/// only: no rodata set, no autoload changed) through a small gcc-built harness; root only.
/// </summary>
public static class LibbpfLoad
{
    private const string HarnessSource = """
        #include <stdio.h>
        #include <stdarg.h>
        #include <string.h>
        #include <bpf/libbpf.h>

        static int print(enum libbpf_print_level level, const char *format, va_list args)
        {
            return level == LIBBPF_WARN ? vfprintf(stderr, format, args) : 0;
        }

        int main(int argc, char **argv)
        {
            struct bpf_object *obj;
            struct bpf_program *p;
            int err;
            if (argc != 2)
                return 2;
            libbpf_set_print(print);
            obj = bpf_object__open_file(argv[1], NULL);
            if (!obj)
                return 1;
            err = bpf_object__load(obj);
            if (err) {
                fprintf(stderr, "bpf_object__load: %s\n", strerror(-err));
                bpf_object__close(obj);
                return 3;
            }
            bpf_object__for_each_program(p, obj) {
                const unsigned char *bytes = (const unsigned char *)bpf_program__insns(p);
                size_t count = bpf_program__insn_cnt(p);
                if (bpf_program__fd(p) < 0)
                    continue;
                printf("%s ", bpf_program__name(p));
                for (size_t i = 0; bytes && i < count * 8; i++)
                    printf("%02x", bytes[i]);
                printf("\n");
            }
            bpf_object__close(obj);
            return 0;
        }
        """;

    /// <summary>
    /// The programs libbpf loaded with their final instructions (linked and relocated, as <c>bpf_program__insns</c>
    /// gives them), or null when it could not load the object (why in <paramref name="error"/>).
    /// </summary>
    public static IReadOnlyDictionary<string, byte[]>? TryLoad(string path, out string error)
    {
        var (exitCode, output, stderr) = ExternalTool.Execute(LibbpfHarness.Build(HarnessSource), path);
        error = stderr.Trim();
        if (exitCode != 0)
        {
            return null;
        }

        var programs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ');
            programs[fields[0]] = Convert.FromHexString(fields.Length > 1 ? fields[1] : "");
        }

        return programs;
    }
}
