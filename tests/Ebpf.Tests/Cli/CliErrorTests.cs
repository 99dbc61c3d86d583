namespace Ebpf.Tests.Cli;

/// <summary>
/// Every <c>ebpf</c> command run as a process with bad arguments, missing files and files of the wrong kind: exit code 1,
/// nothing on standard output, exactly one line on standard error and no stack trace.
/// </summary>
[Category("Kernel")] // map/prog show ask the kernel for an id
public class CliErrorTests
{
    private const string Missing = "/missing/object.o";
    private const string NoId = "4294967295";

    private static string NotElf => Path.Combine(AppContext.BaseDirectory, "ebpf.runtimeconfig.json");

    private static string Object => TestPrograms.Path("typed");

    private static IEnumerable<TestCaseData> Cases()
    {
        string[][] cases =
        [
            [],
            ["bogus"],
            ["disasm"],
            ["disasm", Missing],
            ["disasm", NotElf],
            ["disasm", Object, "--section", "nosuch"],
            ["btf"],
            ["btf", "dump", Missing],
            ["btf", "dump", NotElf],
            ["btf", "dump", Object, "--format", "z"],
            ["btf", "dump", Object, "--base", Missing],
            ["feature"],
            ["feature", "probe", "--bogus"],
            ["gen", "csharp"],
            ["gen", "csharp", Missing],
            ["gen", "csharp", NotElf],
            ["gen", "csharp", Object, "-o", "/missing/dir/X.cs"],
            ["inspect", Missing],
            ["inspect", NotElf],
            ["inspect", Object, "extra"],
            ["load", Missing],
            ["load", NotElf],
            ["load", Object, "--pin", "/missing/dir"],
            ["map", "show"],
            ["map", "show", "abc"],
            ["map", "show", NoId],
            ["map", "dump", NoId],
            ["map", "list", "--bogus"],
            ["prog", "show"],
            ["prog", "show", "-1"],
            ["prog", "show", NoId],
            ["prog", "list", "extra"],
            ["net"],
            ["net", "bogus"],
            ["usdt"],
            ["usdt", "list", Missing],
        ];
        return cases.Select(args => new TestCaseData((object)args).SetArgDisplayNames(args.Length == 0 ? "(none)" : string.Join(' ', args)));
    }

    [TestCaseSource(nameof(Cases))]
    public void AUserErrorIsOneLineOnStandardErrorAndExitCodeOne(string[] args)
    {
        var (code, output, error) = ExternalTool.Execute("dotnet", [Path.Combine(AppContext.BaseDirectory, "ebpf.dll"), .. args]);
        Assert.That(code, Is.EqualTo(1), error);
        Assert.That(output, Is.Empty);
        var lines = error.TrimEnd('\n').Split('\n');
        Assert.That(lines, Has.Length.EqualTo(1), error);
        Assert.That(lines[0], Does.Not.Contain("Unhandled").And.Not.Contain("Exception:"), error);
        Assert.That(lines[0].Length, Is.GreaterThan(10), error);
    }
}
