using Ebpf.Elf;

namespace Ebpf.Tests.Generators;

/// <summary>
/// build/Ebpf.Bpf.targets run by MSBuild on a small project: BpfIncludeDirectories adds to the include path (the
/// system directory for asm/types.h stays), and objects are stripped of DWARF unless <c>Strip="false"</c>.
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
        string directory = Path.Combine(Path.GetTempPath(), $"ebpf-targets-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(directory, "inc"));
        try
        {
            File.WriteAllText(Path.Combine(directory, "inc", "mine.h"), "#define MY_RETURN 7\n");
            File.WriteAllText(Path.Combine(directory, "stripped.bpf.c"), Source);
            File.WriteAllText(Path.Combine(directory, "kept.bpf.c"), Source);
            File.WriteAllText(Path.Combine(directory, "t.proj"), $"""
                <Project>
                  <PropertyGroup>
                    <BpfIncludeDirectories>inc</BpfIncludeDirectories>
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

            var (code, output, error) = ExternalTool.Execute("dotnet", "msbuild", Path.Combine(directory, "t.proj"), "-t:BpfCompile", "-nologo",
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

    private static List<string> Sections(string path) => ElfFile.Parse(File.ReadAllBytes(path)).Sections.Select(s => s.Name).ToList();
}
