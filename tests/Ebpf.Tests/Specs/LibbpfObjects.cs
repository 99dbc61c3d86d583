namespace Ebpf.Tests.Specs;

/// <summary>
/// Asks the installed libbpf what it makes of an object when it opens it (<c>bpf_object__open_file</c>, no load):
/// its programs and maps, through a small C program compiled with gcc against <c>-lbpf</c>.
/// </summary>
public static class LibbpfObjects
{
    private const string HarnessSource = """
        #include <stdio.h>
        #include <stdarg.h>
        #include <bpf/libbpf.h>

        static int print(enum libbpf_print_level level, const char *format, va_list args)
        {
            (void)level; (void)format; (void)args;
            return 0;
        }

        /* --load: libbpf's warnings (why a load failed, the verifier's log) go to stderr. */
        static int print_warnings(enum libbpf_print_level level, const char *format, va_list args)
        {
            return level == LIBBPF_WARN ? vfprintf(stderr, format, args) : 0;
        }

        int main(int argc, char **argv)
        {
            struct bpf_object *obj;
            struct bpf_program *p;
            struct bpf_map *m;
            if (argc < 2)
                return 2;
            libbpf_set_print(print);
            obj = bpf_object__open_file(argv[1], NULL);
            if (!obj)
                return 1;
            if (argc == 3) {
                /* --load: load, then print each program's final instructions as hex slots. */
                libbpf_set_print(print_warnings);
                if (bpf_object__load(obj))
                    return 3;
                bpf_object__for_each_program(p, obj) {
                    const unsigned char *bytes = (const unsigned char *)bpf_program__insns(p);
                    size_t count = bpf_program__insn_cnt(p);
                    if (!bpf_program__autoload(p))
                        continue;
                    printf("%s", bpf_program__name(p));
                    for (size_t i = 0; bytes && i < count * 8; i++)
                        printf(i % 8 ? "%02x" : " %02x", bytes[i]);
                    printf("\n");
                }
                bpf_object__close(obj);
                return 0;
            }
            bpf_object__for_each_program(p, obj)
                printf("prog %s %s %u %u %d\n", bpf_program__name(p), bpf_program__section_name(p),
                       bpf_program__type(p), bpf_program__expected_attach_type(p), bpf_program__autoload(p));
            bpf_object__for_each_map(m, obj)
                printf("map %s %u %u %u %u %u %d\n", bpf_map__name(m), bpf_map__type(m), bpf_map__key_size(m),
                       bpf_map__value_size(m), bpf_map__max_entries(m), bpf_map__map_flags(m), bpf_map__is_internal(m));
            bpf_object__close(obj);
            return 0;
        }
        """;

    /// <summary>
    /// Opens <paramref name="path"/> with libbpf; ignores the test when gcc or libbpf-dev is missing, or when
    /// libbpf refuses the object (legacy <c>maps</c> sections, which libbpf 1.x dropped).
    /// </summary>
    public static (IReadOnlyList<LibbpfOpenProgram> Programs, IReadOnlyList<LibbpfOpenMap> Maps) Open(string path)
    {
        var programs = new List<LibbpfOpenProgram>();
        var maps = new List<LibbpfOpenMap>();
        var (exitCode, output, _) = ExternalTool.Execute(Harness(), path);
        if (exitCode != 0)
        {
            Assert.Fail($"libbpf cannot open {Path.GetFileName(path)}: list it in TestPrograms.NotOpenableByLibbpf");
        }

        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split(' ');
            if (f[0] == "prog")
            {
                programs.Add(new LibbpfOpenProgram(f[1], f[2], uint.Parse(f[3]), uint.Parse(f[4]), f[5] == "1"));
            }
            else
            {
                maps.Add(new LibbpfOpenMap(f[1], uint.Parse(f[2]), uint.Parse(f[3]), uint.Parse(f[4]), uint.Parse(f[5]), uint.Parse(f[6]), f[7] == "1"));
            }
        }

        return (programs, maps);
    }

    /// <summary>
    /// Loads <paramref name="path"/> with libbpf (root only) and returns each loaded program's instructions as
    /// libbpf made them: linked and relocated, map file descriptors in the immediates. Ignores the test when this
    /// kernel refuses the object to libbpf (with libbpf's words); fails when libbpf cannot get as far as loading.
    /// </summary>
    public static IReadOnlyDictionary<string, byte[]> LoadInstructions(string path)
    {
        var (exitCode, output, error) = ExternalTool.Execute(Harness(), path, "--load");
        if (exitCode == LoadRefused)
        {
            Assert.Ignore($"{Path.GetFileName(path)}: this kernel refuses it to libbpf: {Summary(error)}");
        }

        if (exitCode != 0)
        {
            Assert.Fail($"libbpf cannot load {Path.GetFileName(path)} (exit {exitCode}): {error}; list it in TestPrograms.NotLoadableByBpftool");
        }

        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ');
            result[fields[0]] = Convert.FromHexString(string.Concat(fields.Skip(1)));
        }

        return result;
    }

    /// <summary>
    /// Why this kernel refuses <paramref name="path"/> to libbpf (libbpf's own words, without the verifier's log); null
    /// when libbpf loads it. The reference for a test whose object the SDK fails to load: a kernel too old for the
    /// object refuses it to both.
    /// </summary>
    public static string? LoadRefusal(string path)
    {
        var (exitCode, _, error) = ExternalTool.Execute(Harness(), path, "--load");
        return exitCode == LoadRefused ? Summary(error) : null;
    }

    /// <summary>The harness's exit status when <c>bpf_object__load</c> failed (the object opened).</summary>
    private const int LoadRefused = 3;

    /// <summary>libbpf's lines about the failure, without the verifier's log between its BEGIN and END markers.</summary>
    private static string Summary(string error)
    {
        var lines = new List<string>();
        bool inLog = false;
        foreach (string line in error.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Contains("-- BEGIN PROG LOAD LOG --", StringComparison.Ordinal))
            {
                inLog = true;
            }
            else if (line.Contains("-- END PROG LOAD LOG --", StringComparison.Ordinal))
            {
                inLog = false;
            }
            else if (!inLog && line.StartsWith("libbpf: ", StringComparison.Ordinal))
            {
                lines.Add(line["libbpf: ".Length..].Trim());
            }
        }

        return lines.Count > 0 ? string.Join("; ", lines.Take(4)) : error.Trim();
    }

    private static string Harness() => LibbpfHarness.Build(HarnessSource);
}
