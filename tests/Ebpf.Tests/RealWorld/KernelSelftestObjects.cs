namespace Ebpf.Tests.RealWorld;

/// <summary>
/// The BPF selftest programs of Debian's <c>linux-source-6.1</c> package (tools/testing/selftests/bpf/progs/*.c),
/// compiled at test time with clang-14 against a vmlinux.h of the running kernel and libbpf-dev's headers. Those that
/// do not compile (they need a newer clang or types this kernel renamed) are left out. The objects are cached in the
/// temporary directory, keyed by the tarball and the kernel (release and BTF size), so later runs reuse them.
/// </summary>
/// <remarks>
/// To compile for another kernel (tests/vm/run.sh does so on the host before booting a VM, where compiling takes
/// 20 minutes), set <c>EBPF_SELFTESTS_BTF</c> to that kernel's raw BTF (the <c>.BTF</c> section of its vmlinux, as
/// <c>/sys/kernel/btf/vmlinux</c> holds it) and <c>EBPF_SELFTESTS_RELEASE</c> to its release: the cache is then the
/// one the test run on that kernel finds.
/// </remarks>
public static class KernelSelftestObjects
{
    /// <summary>The source's name in <see cref="RealWorldObjects"/>.</summary>
    public const string Name = "selftests";

    /// <summary>The Debian package holding the kernel source tarball.</summary>
    public const string Package = "linux-source-6.1";

    private const string Tarball = "/usr/src/" + Package + ".tar.xz";

    // Part of the cache key: change it when the compile command changes.
    private const string Recipe = "clang14-v1";
    private const string Progs = Package + "/tools/testing/selftests/bpf";
    private static readonly Lazy<IReadOnlyList<string>> Compiled = new(Compile);

    /// <summary>Why the objects are unavailable, or null when they are.</summary>
    public static string? Missing { get; } = File.Exists(Tarball)
        ? null
        : $"the {Package} package is not installed: apt-get install -y {Package} (.ci/run does)";

    /// <summary>The compiled objects, sorted by name; empty when <see cref="Missing"/> is set.</summary>
    public static IReadOnlyList<string> All => Compiled.Value;

    private static List<string> Compile()
    {
        if (Missing is not null)
        {
            return [];
        }

        var tarball = new FileInfo(Tarball);
        var (btf, release) = TargetKernel();
        string key = $"{Recipe}-{tarball.Length:x}-{tarball.LastWriteTimeUtc.Ticks:x}-{release}-btf{new FileInfo(btf).Length:x}";
        string cache = Path.Combine(Path.GetTempPath(), $"ebpf-selftests-{key}");
        if (!Directory.Exists(cache))
        {
            string work = Directory.CreateTempSubdirectory("ebpf-selftests-build-").FullName;
            Build(work, btf);
            try
            {
                Directory.Move(Path.Combine(work, "out"), cache);
            }
            catch (IOException) when (Directory.Exists(cache))
            {
                // another test process built it first
            }

            Directory.Delete(work, recursive: true);
        }

        return Directory.GetFiles(cache, "*.o").Order(StringComparer.Ordinal).ToList();
    }

    // The kernel to compile for: the running one, or the one EBPF_SELFTESTS_BTF and EBPF_SELFTESTS_RELEASE name.
    private static (string Btf, string Release) TargetKernel()
    {
        string? btf = Environment.GetEnvironmentVariable("EBPF_SELFTESTS_BTF");
        if (string.IsNullOrEmpty(btf))
        {
            return ("/sys/kernel/btf/vmlinux", File.ReadAllText("/proc/sys/kernel/osrelease").Trim());
        }

        string? release = Environment.GetEnvironmentVariable("EBPF_SELFTESTS_RELEASE");
        if (string.IsNullOrEmpty(release) || !File.Exists(btf))
        {
            throw new InvalidOperationException(
                $"EBPF_SELFTESTS_BTF ({btf}) must name an existing raw BTF file and EBPF_SELFTESTS_RELEASE its kernel's release");
        }

        return (btf, release);
    }

    private static void Build(string work, string btf)
    {
        ExternalTool.Run("tar", "-xJf", Tarball, "-C", work, "--wildcards", Progs + "/*", Package + "/tools/include/uapi/*");
        File.WriteAllText(Path.Combine(work, "vmlinux.h"), ExternalTool.Run("bpftool", "btf", "dump", "file", btf, "format", "c"));
        string selftests = Path.Combine(work, Progs);
        string output = Directory.CreateDirectory(Path.Combine(work, "out")).FullName;
        var sources = Directory.GetFiles(Path.Combine(selftests, "progs"), "*.c");
        Parallel.ForEach(sources, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, source =>
        {
            string target = Path.Combine(output, Path.GetFileNameWithoutExtension(source) + ".bpf.o");
            var (exitCode, _, _) = ExternalTool.Execute(
                "clang-14", "-g", "-O2", "-target", "bpf", "-mcpu=v3", "-mlittle-endian", "-D__TARGET_ARCH_x86",
                "-I" + work, "-I" + Path.GetDirectoryName(selftests)!, "-I" + selftests, "-I" + Path.Combine(selftests, "progs"),
                "-I/usr/include/x86_64-linux-gnu", "-I" + Path.Combine(work, Package, "tools", "include", "uapi"),
                "-c", source, "-o", target);
            if (exitCode != 0)
            {
                File.Delete(target);
            }
        });
    }
}
