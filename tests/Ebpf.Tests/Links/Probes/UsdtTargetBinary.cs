namespace Ebpf.Tests.Links;

/// <summary>tests/native/usdt_target.c built once with gcc -O1 (sys/sdt.h from systemtap-sdt-dev): USDT probes of every argument form.</summary>
internal static class UsdtTargetBinary
{
    private static readonly Lazy<string> Built = new(Build);

    /// <summary>The executable's path.</summary>
    public static string Path => Built.Value;

    private static string Build()
    {
        string dir = Directory.CreateTempSubdirectory("ebpf-usdt-target-").FullName;
        string binary = System.IO.Path.Combine(dir, "usdt_target");
        ExternalTool.Run("gcc", "-O1", "-o", binary, System.IO.Path.Combine(TestPrograms.RepoRoot, "tests", "native", "usdt_target.c"));
        return binary;
    }
}
