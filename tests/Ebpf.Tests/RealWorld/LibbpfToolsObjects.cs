namespace Ebpf.Tests.RealWorld;

/// <summary>
/// The BPF objects of Debian's <c>libbpf-tools</c> package (bcc's libbpf-based tools, compiled by Debian from public
/// sources): each tool executable embeds its object as a libbpf skeleton. They are extracted once per test run into a
/// temporary directory as <c>TOOL.bpf.o</c>.
/// </summary>
public static class LibbpfToolsObjects
{
    /// <summary>The Debian package holding the tools.</summary>
    public const string Package = "libbpf-tools";

    private static readonly Lazy<IReadOnlyList<string>> Extracted = new(Extract);

    /// <summary>Why the objects are unavailable (the package is not installed), or null when they are.</summary>
    public static string? Missing { get; } = Executables().Count == 0
        ? $"the {Package} package is not installed: apt-get install -y {Package} (.ci/run does)"
        : null;

    /// <summary>The extracted object files, sorted by name; empty when <see cref="Missing"/> is set.</summary>
    public static IReadOnlyList<string> All => Extracted.Value;

    /// <summary>Fails the test with the install hint when the package is missing.</summary>
    public static void RequirePackage()
    {
        if (Missing is not null)
        {
            Assert.Fail(Missing);
        }
    }

    /// <summary>The path of the extracted object named <paramref name="file"/>.</summary>
    public static string Path(string file)
    {
        RequirePackage();
        return All.Single(p => System.IO.Path.GetFileName(p) == file);
    }

    // The package's executables, from dpkg's file list (symbolic links such as btrfsdist -> fsdist are skipped).
    private static List<string> Executables()
    {
        const string list = "/var/lib/dpkg/info/" + Package + ".list";
        if (!File.Exists(list))
        {
            return [];
        }

        return File.ReadAllLines(list)
            .Where(p => p.StartsWith("/usr/sbin/", StringComparison.Ordinal) && File.Exists(p)
                && new FileInfo(p).LinkTarget is null)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static List<string> Extract()
    {
        if (Missing is not null)
        {
            return [];
        }

        string directory = Directory.CreateTempSubdirectory("ebpf-libbpf-tools-").FullName;
        var files = new List<string>();
        foreach (var executable in Executables())
        {
            var objects = EmbeddedBpfObjects.Find(File.ReadAllBytes(executable));
            for (int i = 0; i < objects.Count; i++)
            {
                string name = System.IO.Path.GetFileName(executable) + (i == 0 ? "" : $"-{i}") + ".bpf.o";
                string file = System.IO.Path.Combine(directory, name);
                File.WriteAllBytes(file, objects[i]);
                files.Add(file);
            }
        }

        return files.Order(StringComparer.Ordinal).ToList();
    }
}
