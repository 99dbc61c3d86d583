using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ebpf.Btf;
using Ebpf.Btf.CSharp;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Ebpf.Tests.Btf.CSharp;

public class CSharpStructWriterTests
{
    // [1] int, [2] char, [3] struct packed { char c; int x; } __attribute__((packed)), [4] int[] (flexible),
    // [5] struct point { int point; int y; int data[]; }, [6] int (void) prototype.
    private static BtfSpec Synthetic()
    {
        var b = new BtfBlobBuilder();
        b.Type("int", 1, 0, false, 4, (1u << 24) | 32);
        b.Type("char", 1, 0, false, 1, (1u << 24) | 8);
        b.Type("packed", 4, 2, false, 5, b.Str("c"), 2, 0, b.Str("x"), 1, 8);
        b.Type("", 3, 0, false, 0, 1, 1, 0);
        b.Type("point", 4, 3, false, 8, b.Str("point"), 1, 0, b.Str("y"), 1, 32, b.Str("data"), 4, 64);
        b.Type("", 13, 0, false, 1);
        return BtfSpec.Parse(b.Build());
    }

    [Test]
    public void APackedStructKeepsItsSizeAndMisalignedOffset()
    {
        var writer = new CSharpStructWriter(Synthetic());
        Assert.That(writer.TypeName(3), Is.EqualTo("Packed"));
        var type = Compile(writer).GetType("Packed")!;
        Assert.That(SizeOf(type), Is.EqualTo(5));
        Assert.That(Marshal.OffsetOf(type, "X").ToInt32(), Is.EqualTo(1));
        Assert.That(type.GetField("C")!.FieldType, Is.EqualTo(typeof(byte)), "plain char is a byte");
    }

    [Test]
    public void AMemberNamedLikeItsStructIsRenamedAndAFlexibleArrayIsLeftOut()
    {
        var writer = new CSharpStructWriter(Synthetic());
        Assert.That(writer.TypeName(5), Is.EqualTo("Point"));
        Assert.That(writer.ToSource(), Does.Contain("flexible array member 'data'"));
        var type = Compile(writer).GetType("Point")!;
        Assert.That(type.GetFields().Select(f => f.Name), Is.EqualTo(new[] { "Point2", "Y" }));
        Assert.That(SizeOf(type), Is.EqualTo(8));
    }

    [Test]
    public void ATypeWithoutLayoutIsNotSupported()
    {
        var writer = new CSharpStructWriter(Synthetic());
        Assert.Throws<NotSupportedException>(() => writer.TypeName(6));
        Assert.Throws<NotSupportedException>(() => writer.TypeName(4), "an array of no elements");
    }

    [Test]
    public void AReservedNameIsNotUsedForAType()
    {
        var writer = new CSharpStructWriter(Synthetic());
        writer.Reserve("Point");
        Assert.That(writer.TypeName(5), Is.EqualTo("Point2"));
        Assert.That(writer.TypeName(5), Is.EqualTo("Point2"), "written once");
        Assert.That(writer.Declarations, Has.Count.EqualTo(1));
    }

    [TestCase("exec_event", "ExecEvent")]
    [TestCase(".rodata", "Rodata")]
    [TestCase("TASK_RUNNING", "TaskRunning")]
    [TestCase("sys_enter_execve", "SysEnterExecve")]
    [TestCase("camelCase", "CamelCase")]
    [TestCase("2fast", "_2fast")]
    [TestCase("", "_")]
    public void CNamesBecomePascalCase(string c, string expected) => Assert.That(CSharpNames.PascalCase(c), Is.EqualTo(expected));

    [Test]
    public void KeywordsAreEscaped()
    {
        Assert.That(CSharpNames.Escape("int"), Is.EqualTo("@int"));
        Assert.That(CSharpNames.Escape("Int"), Is.EqualTo("Int"));
        Assert.That(CSharpNames.XmlText("a<b>&"), Is.EqualTo("a&lt;b&gt;&amp;"));
    }

    private static int SizeOf(Type type) =>
        (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(type).Invoke(null, null)!;

    private static Assembly Compile(CSharpStructWriter writer)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(
            "Structs" + Guid.NewGuid().ToString("N"),
            [CSharpSyntaxTree.ParseText(writer.ToSource())],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        Assert.That(result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()), Is.Empty);
        return Assembly.Load(image.ToArray());
    }
}
