using System.Diagnostics;
using Ebpf.Btf;
using Ebpf.Btf.CFormat;

namespace Ebpf.Tests.Btf.CFormat;

/// <summary>
/// <see cref="BtfCWriter"/> against bpftool 7.1's <c>btf dump file FILE format c</c>: the text must be identical, the
/// header must compile with clang-14 for the BPF target, and structs must compile to the layout the BTF describes.
/// </summary>
public class BtfCWriterTests
{
    private static readonly BtfCWriterOptions ExactLayout = new() { EnumSizeAttributes = true };

    private string? _sharedVmlinux;
    private string? _directory;

    private string Directory => _directory ??= Clang.TemporaryDirectory();

    [OneTimeTearDown]
    public void DeleteTemporaryFiles()
    {
        if (_sharedVmlinux is not null)
        {
            File.Delete(_sharedVmlinux);
        }

        if (_directory is not null)
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
    }

    [Test]
    public void KernelVmlinuxHeaderMatchesBpftoolCompilesAndKeepsLayout()
    {
        var spec = BtfSpec.Parse(BtfTestData.KernelBytes());
        string header = AssertSameAsBpftool(spec, Bpftool.Run("btf", "dump", "file", BtfTestData.KernelVmlinux, "format", "c"), "kernel");
        AssertCompiles(header, "kernel");
        AssertLayout(spec, LayoutCheck.Sample(spec, step: 4), "kernel");

        // The point of vmlinux.h: a CO-RE program with libbpf's headers builds against it.
        if (!File.Exists("/usr/include/bpf/bpf_helpers.h"))
        {
            Assert.Ignore("libbpf headers are not installed");
        }

        string program = Path.Combine(TestPrograms.RepoRoot, "tests", "Ebpf.Tests", "Btf", "CFormat", "core_kprobe.c");
        string arch = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
        {
            System.Runtime.InteropServices.Architecture.X64 => "x86",
            System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
            var other => other.ToString().ToLowerInvariant(),
        };
        Clang.Run($"-D__TARGET_ARCH_{arch}", "-O2", "-g", "-I", Path.Combine(Directory, "kernel"), "-c", program, "-o", Path.Combine(Directory, "core_kprobe.o"));
    }

    [Test]
    public void SharedVmlinuxHeaderMatchesBpftoolCompilesAndKeepsLayout()
    {
        _sharedVmlinux ??= BtfTestData.SharedVmlinuxFile();
        var spec = BtfSpec.Load(_sharedVmlinux);
        string header = AssertSameAsBpftool(spec, Bpftool.Run("btf", "dump", "file", _sharedVmlinux, "format", "c"), "shared");
        AssertCompiles(header, "shared");
        AssertLayout(spec, LayoutCheck.Sample(spec, step: 4), "shared");
    }

    [Test]
    public void TestModuleSplitHeaderMatchesBpftool()
    {
        string basePath = BtfTestData.Shared("btf_testmod.btf.base");
        string splitPath = BtfTestData.Shared("btf_testmod.btf");
        var spec = BtfSpec.Load(splitPath, BtfSpec.Load(basePath));
        string header = AssertSameAsBpftool(spec, Bpftool.Run("-B", basePath, "btf", "dump", "file", splitPath, "format", "c"), "testmod");
        AssertCompiles(header, "testmod");
    }

    [TestCase("atomics", false)]
    [TestCase("atomics", true)]
    [TestCase("callbacks", false)]
    [TestCase("callbacks", true)]
    [TestCase("maps_and_globals", false)]
    [TestCase("maps_and_globals", true)]
    [TestCase("packet", false)]
    [TestCase("packet", true)]
    public void TestProgramHeaderMatchesBpftoolAndCompiles(string program, bool bigEndian)
    {
        var spec = BtfSpec.Parse(ObjectBtf.Section(program, bigEndian));
        string header = AssertSameAsBpftool(spec, Bpftool.Run("btf", "dump", "file", TestPrograms.Path(program, bigEndian), "format", "c"), program);
        AssertCompiles(header, $"{program}-{(bigEndian ? "eb" : "el")}");
    }

    /// <summary>features.c: bitfields, packed and over-aligned structs, anonymous nesting, tricky declarators,
    /// qualifiers, type and declaration tags, typedefs of anonymous types, a 1-byte enum.</summary>
    [Test]
    public void FeatureObjectHeaderMatchesBpftoolCompilesAndKeepsLayout()
    {
        string source = Path.Combine(TestPrograms.RepoRoot, "tests", "Ebpf.Tests", "Btf", "CFormat", "features.c");
        var spec = BtfSpec.Parse(Clang.CompileBtf(source, Directory));
        string header = AssertSameAsBpftool(spec, Bpftool.Run("btf", "dump", "file", Path.Combine(Directory, "features.o"), "format", "c"), "features");
        AssertCompiles(header, "features");
        int checkedTypes = AssertLayout(spec, LayoutCheck.Sample(spec), "features");
        Assert.That(checkedTypes, Is.EqualTo(15));

        // bpftool 7.1 leaves the 1-byte enum at int size; the option keeps it a byte.
        Assert.That(header, Does.Contain("\tSMALL_B = 200,\n};"));
        Assert.That(BtfCWriter.ToHeader(spec, ExactLayout), Does.Contain("\tSMALL_B = 200,\n} __attribute__((mode(byte)));"));
    }

    /// <summary>What clang-14 cannot emit: 64-bit and signed enums, repeated names, 8-byte 32-bit enums.</summary>
    [Test]
    public void SyntheticBtfHeaderMatchesBpftoolAndCompiles()
    {
        string path = Path.Combine(Directory, "synthetic.btf");
        File.WriteAllBytes(path, SyntheticBtf());
        var spec = BtfSpec.Load(path);
        string header = AssertSameAsBpftool(spec, Bpftool.Run("btf", "dump", "file", path, "format", "c"), "synthetic");
        AssertCompiles(header, "synthetic");
        Assert.That(header, Does.Contain("struct dup___2 {"));
        Assert.That(header, Does.Contain("\tE64_BIG = 18446744073709551615ULL,"));
        Assert.That(header, Does.Contain("\tS64_NEG = -9223372036854775808LL,"));
        Assert.That(header, Does.Contain("\tNEG = -5,"));
        Assert.That(header, Does.Contain("\tNEG___2 = 4294967291,"));
    }

    [Test]
    public void OptionsChangeGuardPragmaAndSelection()
    {
        var spec = BtfSpec.Load(SyntheticFile());
        uint dup = spec.FindIds("dup", BtfKind.Struct)[1];
        string header = BtfCWriter.ToHeader(spec, new BtfCWriterOptions { HeaderGuard = "__MINE_H__", PreserveAccessIndex = false, TypeIds = [dup] });
        Assert.That(header, Is.EqualTo(
            "#ifndef __MINE_H__\n#define __MINE_H__\n\n" +
            "typedef int s32;\n\n" +
            "struct dup {\n\ts32 b;\n\tstruct dup *self;\n};\n\n" +
            "#endif /* __MINE_H__ */\n"));
    }

    [Test]
    public void WriteDeclarationUsesCDeclaratorSyntax()
    {
        string source = Path.Combine(TestPrograms.RepoRoot, "tests", "Ebpf.Tests", "Btf", "CFormat", "features.c");
        var spec = BtfSpec.Parse(Clang.CompileBtf(source, Directory));
        var declarators = (BtfStruct)spec.FindTypes("declarators", BtfKind.Struct)[0];
        string Declare(string member, string name)
        {
            using var text = new StringWriter();
            new BtfCDumper(spec, text).WriteDeclaration(declarators.Members.Single(m => m.Name == member).TypeId, name);
            return text.ToString();
        }

        Assert.That(Declare("handlers", "h"), Is.EqualTo("int (*h[4])(void *, int)"));
        Assert.That(Declare("row", "p"), Is.EqualTo("int (*p)[10]"));
        Assert.That(Declare("factory", "f"), Is.EqualTo("void (* (*f)(int))(long)"));
        Assert.That(Declare("grid", "g"), Is.EqualTo("char g[2][3][4]"));
        Assert.That(Declare("cv", "x"), Is.EqualTo("volatile const int * const x"));
        Assert.That(Declare("varargs", ""), Is.EqualTo("int (*)(const char *, ...)"));
        Assert.That(Declare("anon_ret", "a"), Is.EqualTo("struct {\n\tint inner;\n} (*a)(void)"));
    }

    [Test]
    public void SelfContainedAnonymousStructIsRejected()
    {
        var b = new BtfBlobBuilder();
        b.Type("int", 1, 0, false, 4, (1u << 24) | 32);         // 1
        b.Type("", 4, 1, false, 4, b.Str("inner"), 2, 0);     // 2: struct { <itself> inner; }
        b.Type("t", 8, 0, false, 2);                           // 3: typedef of it
        var spec = BtfSpec.Parse(b.Build());
        Assert.Throws<BtfFormatException>(() => BtfCWriter.ToHeader(spec));
    }

    [Test]
    public void DeepTypeChainsNeedNoCallStack()
    {
        // 50000 nested typedefs and pointers: all handled with the writer's own stacks.
        var spec = BtfSpec.Parse(BtfBlobBuilder.TypedefPointerChain(25000));
        string header = BtfCWriter.ToHeader(spec);
        Assert.That(header, Does.Contain("typedef t24998 *t24999;\n"));
    }

    private string SyntheticFile()
    {
        string path = Path.Combine(Directory, "synthetic.btf");
        if (!File.Exists(path))
        {
            File.WriteAllBytes(path, SyntheticBtf());
        }

        return path;
    }

    private static byte[] SyntheticBtf()
    {
        var b = new BtfBlobBuilder();
        b.Type("int", 1, 0, false, 4, (1u << 24) | 32);                                                     // 1
        b.Type("s32", 8, 0, false, 1);                                                                       // 2
        b.Type("dup", 4, 1, false, 4, b.Str("a"), 1, 0);                                                     // 3
        int second = b.Type("dup", 4, 2, false, 16, b.Str("b"), 2, 0, b.Str("self"), 5, 64);                 // 4
        b.Type("", 2, 0, false, (uint)second);                                                               // 5: struct dup *
        b.Type("e64", 19, 2, false, 8, b.Str("E64_SMALL"), 1, 0, b.Str("E64_BIG"), uint.MaxValue, uint.MaxValue); // 6
        b.Type("s64e", 19, 2, true, 8, b.Str("S64_NEG"), 0, 0x80000000, b.Str("S64_POS"), 7, 0);            // 7
        b.Type("signed_e", 6, 2, true, 4, b.Str("NEG"), unchecked((uint)-5), b.Str("POS"), 7);               // 8
        b.Type("unsigned_e", 6, 1, false, 4, b.Str("NEG"), unchecked((uint)-5));                             // 9: NEG again
        b.Type("wide_e", 6, 1, false, 8, b.Str("WIDE"), 1);                                                  // 10
        b.Type("byte_e", 6, 1, false, 1, b.Str("BYTE"), 1);                                                  // 11
        b.Type("holder", 4, 4, false, 40,
            b.Str("first"), 3, 0, b.Str("second"), 4, 64, b.Str("big"), 6, 192, b.Str("s"), 8, 256);        // 12
        b.Type("long int", 1, 0, false, 8, (1u << 24) | 64);                                                 // 13
        return b.Build();
    }

    private static string AssertSameAsBpftool(BtfSpec spec, string expected, string label)
    {
        var clock = Stopwatch.StartNew();
        string ours = BtfCWriter.ToHeader(spec);
        TestContext.Out.WriteLine($"{label}: {spec.LastTypeId} types, {ours.Length} chars written in {clock.Elapsed.TotalMilliseconds:F0} ms");

        var expectedNames = HeaderDiff.DeclaredNames(expected);
        var ourNames = HeaderDiff.DeclaredNames(ours);
        TestContext.Out.WriteLine($"{label}: bpftool declares {expectedNames.Count} names, we declare {ourNames.Count}");
        string? difference = HeaderDiff.FirstDifference(expected, ours);
        if (difference is not null)
        {
            File.WriteAllText(Path.Combine(Path.GetTempPath(), $"btfc-{label}-ours.h"), ours);
            File.WriteAllText(Path.Combine(Path.GetTempPath(), $"btfc-{label}-bpftool.h"), expected);
            TestContext.Out.WriteLine($"{label}: {HeaderDiff.ChangedLines(expected, ours)} changed lines; first difference at {difference}");
        }

        Assert.That(ourNames, Is.EqualTo(expectedNames), "declared type names");
        Assert.That(difference, Is.Null, "text differs from bpftool's");
        return ours;
    }

    private void AssertCompiles(string header, string label)
    {
        string dir = Path.Combine(Directory, label);
        System.IO.Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "vmlinux.h"), header);
        string source = Path.Combine(dir, "use.c");
        File.WriteAllText(source, "#include \"vmlinux.h\"\n");
        var clock = Stopwatch.StartNew();
        Clang.Run("-fsyntax-only", source);
        TestContext.Out.WriteLine($"{label}: header compiled in {clock.Elapsed.TotalMilliseconds:F0} ms");
    }

    private int AssertLayout(BtfSpec spec, List<BtfComposite> types, string label)
    {
        string dir = Path.Combine(Directory, label + "-layout");
        System.IO.Directory.CreateDirectory(dir);
        var clock = Stopwatch.StartNew();
        int count = LayoutCheck.Verify(spec, BtfCWriter.ToHeader(spec, ExactLayout), types, dir);
        TestContext.Out.WriteLine($"{label}: layout of {count} structs and unions checked in {clock.Elapsed.TotalMilliseconds:F0} ms");
        return count;
    }
}
