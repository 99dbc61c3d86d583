using System.Runtime.InteropServices;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Links;

/// <summary>Resolves what a section names to what the verbs take: binaries on the search path, globs to functions, system calls to their kernel entry.</summary>
internal static class SectionTargets
{
    private static readonly string[] LibraryDirectories =
        ["/usr/lib64", "/usr/lib", "/lib64", "/lib", $"/usr/lib/{MultiarchTriplet()}", $"/lib/{MultiarchTriplet()}"];

    /// <summary>
    /// The binary of <c>uprobe/BINARY:function</c>, as libbpf resolves it: a name with a <c>/</c> is a path; a shared
    /// library name (<c>libc.so.6</c>) is searched in <c>LD_LIBRARY_PATH</c> and the library directories; another name on <c>PATH</c>.
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file on the search path.</exception>
    public static string BinaryPath(string binary)
    {
        if (binary.Contains('/', StringComparison.Ordinal))
        {
            return binary;
        }

        bool library = binary.EndsWith(".so", StringComparison.Ordinal) || binary.Contains(".so.", StringComparison.Ordinal);
        var directories = library
            ? (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? string.Empty).Split(':').Concat(LibraryDirectories)
            : (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':');
        foreach (string directory in directories)
        {
            if (directory.Length > 0 && File.Exists(Path.Combine(directory, binary)))
            {
                return Path.Combine(directory, binary);
            }
        }

        throw new FileNotFoundException($"{binary} is not on the {(library ? "library" : "PATH")} search path", binary);
    }

    /// <summary>
    /// The kernel functions a <c>kprobe.multi/GLOB</c> names: from tracefs <c>available_filter_functions</c> (only
    /// those can be probed), else (missing or unreadable) the text symbols of <c>/proc/kallsyms</c>.
    /// </summary>
    /// <exception cref="ArgumentException">No kernel function matches.</exception>
    public static IReadOnlyList<string> KernelFunctions(string pattern, IBpfSyscalls syscalls)
    {
        var filterFunctions = ReadableLines(Path.Combine(Tracefs.GetPath(syscalls), "available_filter_functions"));
        bool traceable = filterFunctions is not null;
        var found = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in filterFunctions ?? File.ReadLines(KernelSymbolAddresses.DefaultPath))
        {
            ReadOnlySpan<char> name = traceable ? FilterFunctionName(line) : TextSymbolName(line);
            if (name.Length > 0 && GlobPattern.IsMatch(pattern, name))
            {
                string text = name.ToString();
                if (seen.Add(text))
                {
                    found.Add(text);
                }
            }
        }

        if (found.Count == 0)
        {
            throw new ArgumentException($"no kernel function matches {pattern}", nameof(pattern));
        }

        return found;
    }

    /// <summary>The lines of <paramref name="path"/>, or null when it is missing or unreadable (ftrace off, lockdown).</summary>
    private static IEnumerable<string>? ReadableLines(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// The kernel entry of system call <paramref name="name"/>, as libbpf's <c>ksyscall</c>: <c>__x64_sys_NAME</c>
    /// (the architecture's prefix) where the kernel wraps system calls, else <c>sys_NAME</c>.
    /// </summary>
    public static string SyscallFunction(string name)
    {
        string? prefix = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "x64",
            Architecture.X86 => "ia32",
            Architecture.Arm64 => "arm64",
            Architecture.Arm => "arm",
            Architecture.S390x => "s390x",
            Architecture.RiscV64 => "riscv",
            Architecture.Ppc64le => "powerpc64",
            Architecture.LoongArch64 => "loongarch64",
            _ => null,
        };
        if (prefix is not null)
        {
            string wrapped = $"__{prefix}_sys_";
            if (KernelSymbolAddresses.Find([wrapped + "bpf"]).Count == 1)
            {
                return wrapped + name;
            }
        }

        return "sys_" + name;
    }

    /// <summary><c>name</c> or <c>name [module]</c>.</summary>
    private static ReadOnlySpan<char> FilterFunctionName(string line)
    {
        int space = line.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? line : line.AsSpan(0, space);
    }

    /// <summary>The name of a <c>t</c>/<c>T</c> line of kallsyms, else empty.</summary>
    private static ReadOnlySpan<char> TextSymbolName(string line)
    {
        var (name, _) = KernelSymbolAddresses.Parse(line);
        int type = line.IndexOf(' ', StringComparison.Ordinal) + 1;
        return name is not null && type > 0 && type < line.Length && line[type] is 't' or 'T' ? name : default;
    }

    private static string MultiarchTriplet() => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "x86_64-linux-gnu",
        Architecture.Arm64 => "aarch64-linux-gnu",
        Architecture.S390x => "s390x-linux-gnu",
        Architecture.Ppc64le => "powerpc64le-linux-gnu",
        Architecture.RiscV64 => "riscv64-linux-gnu",
        _ => "unknown",
    };
}
