using Ebpf.Elf;

namespace Ebpf.Tests.Generators;

/// <summary>
/// build/Ebpf.Bpf.targets run by MSBuild on a small project: BpfIncludeDirectories adds to the include path (the
/// system directory for asm/types.h stays), objects are stripped of DWARF unless <c>Strip="false"</c>, and an object
/// is rebuilt when its commands change (a property such as BpfStrip or BpfIncludeDirectories) and only then.
/// </summary>
[NonParallelizable]
public class BpfBuildTargetsTests
{
    private const string Source = """
        #include <linux/bpf.h>
        #include <bpf/bpf_helpers.h>
        #include "mine.h"

        SEC("socket")
        int f(void *ctx)
        {
            return MY_RETURN;
        }

        char LICENSE[] SEC("license") = "GPL";

        """;

    [Test]
    public void IncludeDirectoriesAreAddedBeforeTheSystemOneAndObjectsAreStrippedUnlessStripIsFalse()
    {
        string directory = CreateProject();
        try
        {
            string project = Path.Combine(directory, "t.proj");
            var (code, output, error) = ExternalTool.Execute("dotnet", "msbuild", project, "-t:BpfCompile", "-nologo",
                "-getProperty:_BpfIncludeFlags", "-getProperty:BpfStrip");
            Assert.That(code, Is.Zero, output + error);
            string sdk = Path.Combine(TestPrograms.RepoRoot, "build", "include");
            Assert.That(output, Does.Contain($"-I\\u0022inc\\u0022 -I\\u0022{sdk}\\u0022 -I\\u0022/usr/include/"), "the project's directory first, then the SDK's headers (ebpf/buffer.bpf.h), the system one kept");
            Assert.That(output, Does.Contain("\"BpfStrip\": \"true\""));

            var stripped = Sections(Path.Combine(directory, "obj", "bpf", "stripped.bpfel.o"));
            Assert.That(stripped, Has.None.StartsWith(".debug_"));
            Assert.That(stripped, Does.Contain(".BTF").And.Contain(".BTF.ext"));
            var kept = Sections(Path.Combine(directory, "obj", "bpf", "kept.bpfel.o"));
            Assert.That(kept, Has.Some.StartsWith(".debug_"));
            Assert.That(kept, Does.Contain(".BTF").And.Contain(".BTF.ext"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void ChangingAPropertyOfTheCommandsRebuildsTheObjectsItChangesAndNoOthers()
    {
        string directory = CreateProject();
        try
        {
            string project = Path.Combine(directory, "t.proj");
            string strippedObject = Path.Combine(directory, "obj", "bpf", "stripped.bpfel.o");
            string keptObject = Path.Combine(directory, "obj", "bpf", "kept.bpfel.o");

            Build(project);
            var (strippedBuilt, keptBuilt) = (File.GetLastWriteTimeUtc(strippedObject), File.GetLastWriteTimeUtc(keptObject));
            Assert.That((Sections(strippedObject).Any(IsDwarf), Returned(strippedObject)), Is.EqualTo((false, 7)));

            Build(project);
            Assert.That((File.GetLastWriteTimeUtc(strippedObject), File.GetLastWriteTimeUtc(keptObject)), Is.EqualTo((strippedBuilt, keptBuilt)),
                "nothing changed: nothing is rebuilt");

            Build(project, "-p:BpfStrip=false");
            Assert.That(Sections(strippedObject).Any(IsDwarf), Is.True, "BpfStrip=false rebuilt the object that follows it, with its DWARF");
            Assert.That(File.GetLastWriteTimeUtc(keptObject), Is.EqualTo(keptBuilt), "Strip=\"false\" already: its commands are the same");

            Build(project, "-p:BpfStrip=false", "-p:BpfIncludeDirectories=other");
            Assert.That((Returned(strippedObject), Returned(keptObject)), Is.EqualTo((9, 9)), "another include directory rebuilt both, with its header");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// A directory with t.proj importing the targets: stripped.bpf.c (the default Strip) and kept.bpf.c (Strip="false"),
    /// both returning MY_RETURN from mine.h, 7 in inc/ (BpfIncludeDirectories unless set) and 9 in other/.
    /// </summary>
    private static string CreateProject()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"ebpf-targets-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(directory, "inc"));
        Directory.CreateDirectory(Path.Combine(directory, "other"));
        File.WriteAllText(Path.Combine(directory, "inc", "mine.h"), "#define MY_RETURN 7\n");
        File.WriteAllText(Path.Combine(directory, "other", "mine.h"), "#define MY_RETURN 9\n");
        File.WriteAllText(Path.Combine(directory, "stripped.bpf.c"), Source);
        File.WriteAllText(Path.Combine(directory, "kept.bpf.c"), Source);
        File.WriteAllText(Path.Combine(directory, "t.proj"), $"""
            <Project>
              <PropertyGroup>
                <BpfIncludeDirectories Condition="'$(BpfIncludeDirectories)' == ''">inc</BpfIncludeDirectories>
                <BaseIntermediateOutputPath>obj/</BaseIntermediateOutputPath>
                <BpfByteOrders>bpfel</BpfByteOrders>
              </PropertyGroup>
              <ItemGroup>
                <BpfProgram Include="stripped.bpf.c" />
                <BpfProgram Include="kept.bpf.c" Strip="false" />
              </ItemGroup>
              <Import Project="{Path.Combine(TestPrograms.RepoRoot, "build", "Ebpf.Bpf.targets")}" />
            </Project>
            """);
        return directory;
    }

    private static void Build(string project, params string[] properties)
    {
        var (code, output, error) = ExternalTool.Execute("dotnet", ["msbuild", project, "-t:BpfCompile", "-nologo", .. properties]);
        Assert.That(code, Is.Zero, output + error);
    }

    private static bool IsDwarf(string section) => section.StartsWith(".debug_", StringComparison.Ordinal);

    /// <summary>The constant of <c>return MY_RETURN;</c>: the immediate of the first instruction of section <c>socket</c> (<c>r0 = imm</c>).</summary>
    private static int Returned(string path) =>
        BitConverter.ToInt32(ElfFile.Parse(File.ReadAllBytes(path)).Sections.Single(s => s.Name == "socket").Data.Span[4..8]);

    private static List<string> Sections(string path) => ElfFile.Parse(File.ReadAllBytes(path)).Sections.Select(s => s.Name).ToList();
}
