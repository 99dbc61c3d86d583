using Ebpf.Btf;
using Ebpf.Elf;
using Ebpf.Kernel;
using Ebpf.Tests.Btf.CFormat;

namespace Ebpf.Tests.Generators;

/// <summary>
/// BpfStrip (build/Ebpf.Bpf.targets): the build removes the DWARF from <c>&lt;BpfProgram&gt;</c> objects with
/// <c>llvm-strip -g</c>, keeping .BTF and .BTF.ext. typed.bpf.c and core.bpf.c are built stripped; each is compared
/// with the same source compiled again with DWARF.
/// </summary>
public class StrippedObjectTests
{
    private static readonly string[] Stripped = ["typed", "core"];

    [TestCaseSource(nameof(Stripped))]
    public void TheBuildRemovesTheDwarfAndKeepsBtfWithTheSameFuncLineAndCoreRecords(string name)
    {
        string directory = Clang.TemporaryDirectory();
        try
        {
            string unstripped = CompileWithDwarf(name, directory);
            foreach (bool bigEndian in new[] { false, true })
            {
                var stripped = ElfFile.Parse(File.ReadAllBytes(TestPrograms.Path(name, bigEndian)));
                Assert.That(stripped.Sections.Select(s => s.Name), Has.None.StartsWith(".debug_"), name);
                Assert.That(stripped.Sections.Select(s => s.Name), Does.Contain(".BTF").And.Contain(".BTF.ext"), name);
            }

            var (strippedExt, strippedElf) = Ext(TestPrograms.Path(name));
            var (fullExt, fullElf) = Ext(unstripped);
            Assert.That(fullElf.Sections.Select(s => s.Name), Has.Some.StartsWith(".debug_"), "the comparison object keeps its DWARF");
            Assert.That(strippedExt.LineInfos.Values.Sum(l => l.Count), Is.GreaterThan(0));
            Assert.That(strippedExt.SectionNames, Is.EqualTo(fullExt.SectionNames));
            foreach (var section in fullExt.SectionNames)
            {
                Assert.That(strippedExt.FuncInfosOf(section), Is.EqualTo(fullExt.FuncInfosOf(section)), section);
                Assert.That(strippedExt.LineInfosOf(section), Is.EqualTo(fullExt.LineInfosOf(section)), section);
                Assert.That(strippedExt.CoreRelocationsOf(section), Is.EqualTo(fullExt.CoreRelocationsOf(section)), section);
            }

            Assert.That(new FileInfo(TestPrograms.Path(name)).Length, Is.LessThan(new FileInfo(unstripped).Length * 3 / 4));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void TheExamplesObjectsAreStrippedByDefault()
    {
        var examples = TestPrograms.All.Where(p => !TestPrograms.IsFromTestSources(p) && !TestPrograms.IsStaticallyLinked(p)).ToList();
        Assert.That(examples, Is.Not.Empty, "the example projects copy their objects into bpf/");
        foreach (var path in examples)
        {
            var names = ElfFile.Parse(File.ReadAllBytes(path)).Sections.Select(s => s.Name).ToList();
            Assert.That(names, Has.None.StartsWith(".debug_"), path);
            Assert.That(names, Does.Contain(".BTF").And.Contain(".BTF.ext"), path);
        }
    }

    [Test]
    public void TheAssemblyEmbedsTheStrippedObject()
    {
        using var resource = typeof(TypedObjects).Assembly.GetManifestResourceStream("typed.bpfel.o")!;
        var embedded = new byte[resource.Length];
        resource.ReadExactly(embedded);
        Assert.That(embedded, Is.EqualTo(File.ReadAllBytes(TestPrograms.Path("typed"))));
    }

    [Test]
    [Category("Kernel")]
    public void TheStrippedObjectsLoadWithFuncAndLineInfo()
    {
        using var typed = TypedObjects.Load();
        var info = typed.RecordTyped.Info();
        Assert.That(info.FuncInfoCount, Is.GreaterThan(0u));
        Assert.That(info.LineInfoCount, Is.GreaterThan(0u));

        using var core = Collection.Load(CollectionSpec.Load(TestPrograms.Path("core")));
        foreach (var program in core.Programs.Values)
        {
            Assert.That(program.Info().LineInfoCount, Is.GreaterThan(0u), "CO-RE relocated and loaded with its line info");
        }
    }

    private static string CompileWithDwarf(string name, string directory)
    {
        string source = Path.GetFullPath(Path.Combine(TestPrograms.RepoRoot, "tests", "bpf", name + ".bpf.c"));
        string obj = Path.Combine(directory, name + ".bpfel.o");
        string multiarch = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64
            ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
        Clang.Run(["-g", "-O2", "-Wall", "-Werror", "-mcpu=v3", "-target", "bpfel", "-I/usr/include/" + multiarch, "-c", source, "-o", obj]);
        return obj;
    }

    private static (BtfExtInfo Ext, ElfFile Elf) Ext(string path)
    {
        var elf = ElfFile.Parse(File.ReadAllBytes(path));
        return (BtfExtInfo.FromElf(elf, BtfSpec.FromElf(elf))!, elf);
    }
}
