namespace Ebpf.Tests.Btf;

/// <summary>
/// Asks the installed libbpf what CO-RE makes of an object: a small C program compiled with gcc against
/// <c>-lbpf</c> opens the object with <c>btf_custom_path</c> set to the target BTF, loads it (libbpf 1.1 has no
/// <c>bpf_object__prepare</c>; relocation happens inside the load, and the instructions stay readable even when the
/// verifier then rejects a program) and prints every program's instructions as raw 8-byte slots.
/// </summary>
public static class LibbpfCoreHarness
{
    private const string HarnessSource = """
        #include <stdio.h>
        #include <stdarg.h>
        #include <bpf/libbpf.h>

        static int print(enum libbpf_print_level level, const char *format, va_list args)
        {
            if (level == LIBBPF_DEBUG)
                return 0;
            return vfprintf(stderr, format, args);
        }

        int main(int argc, char **argv)
        {
            struct bpf_object *obj;
            struct bpf_program *prog;
            int err;
            LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = argv[2]);

            if (argc != 3)
                return 2;
            libbpf_set_print(print);
            obj = bpf_object__open_file(argv[1], &opts);
            if (!obj)
                return 3;
            err = bpf_object__load(obj);
            printf("load %d\n", err);
            bpf_object__for_each_program(prog, obj) {
                const struct bpf_insn *insns = bpf_program__insns(prog);
                size_t n = bpf_program__insn_cnt(prog), i;
                printf("prog %s %zu\n", bpf_program__name(prog), n);
                for (i = 0; i < n; i++) {
                    const unsigned char *b = (const unsigned char *)&insns[i];
                    printf("%02x%02x%02x%02x%02x%02x%02x%02x\n", b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]);
                }
            }
            bpf_object__close(obj);
            return 0;
        }
        """;

    /// <summary>libbpf's instructions per program name (raw slots, host order) and the load result.</summary>
    /// <param name="objectPath">A little-endian BPF object.</param>
    /// <param name="targetBtfPath">Raw BTF of the target kernel.</param>
    /// <returns>The programs' slots and the stderr log.</returns>
    public static (IReadOnlyDictionary<string, byte[]> Programs, string Log) Relocate(string objectPath, string targetBtfPath)
    {
        var (exit, output, error) = ExternalTool.Execute(Binary(), objectPath, targetBtfPath);
        Assert.That(exit, Is.EqualTo(0), $"harness failed: {error}");
        var programs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        string? name = null;
        var bytes = new List<byte>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("prog ", StringComparison.Ordinal))
            {
                if (name is not null)
                {
                    programs[name] = bytes.ToArray();
                }

                name = line.Split(' ')[1];
                bytes.Clear();
            }
            else if (name is not null)
            {
                bytes.AddRange(Convert.FromHexString(line));
            }
        }

        if (name is not null)
        {
            programs[name] = bytes.ToArray();
        }

        return (programs, error);
    }

    private static string Binary() => LibbpfHarness.Build(HarnessSource);
}
