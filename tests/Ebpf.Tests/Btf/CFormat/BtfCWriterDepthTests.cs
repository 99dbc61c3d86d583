using Ebpf.Btf;
using Ebpf.Btf.CFormat;

namespace Ebpf.Tests.Btf.CFormat;

/// <summary>Deep type graphs: written with the writer's own stacks, and still exactly as bpftool writes them.</summary>
public class BtfCWriterDepthTests
{
    private string? _directory;

    [OneTimeTearDown]
    public void DeleteTemporaryFiles()
    {
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>25000 typedefs, each a pointer to the previous one: 50000 levels for the ordering and output passes.</summary>
    [Test]
    public void LongTypedefChainMatchesBpftool()
    {
        string header = AssertSameAsBpftool(BtfBlobBuilder.TypedefPointerChain(25000), "chain");
        Assert.That(header, Does.Contain("typedef t24998 *t24999;\n"));
    }

    /// <summary>Structs nested 3000 deep (each embeds the next, defined later in id order): the ordering pass walks
    /// them all before writing the innermost first; and 200 anonymous structs nested inline, indented up to libbpf's
    /// 13-tab cap.</summary>
    [Test]
    public void DeepNestingMatchesBpftool()
    {
        var b = new BtfBlobBuilder();
        b.Type("int", 1, 0, false, 4, (1u << 24) | 32);               // 1
        const int named = 3000;
        for (int i = 0; i < named; i++)
        {
            // s{i} { int v; s{i+1} next; }, the last one just { int v; }
            uint next = (uint)(2 + i + 1);
            if (i == named - 1)
            {
                b.Type($"s{i}", 4, 1, false, 4, b.Str("v"), 1, 0);
            }
            else
            {
                b.Type($"s{i}", 4, 2, false, (uint)(4 * (named - i)), b.Str("v"), 1, 0, b.Str("next"), next, 32);
            }
        }

        const int anonymous = 200;
        uint firstAnon = (uint)(2 + named);
        for (int i = 0; i < anonymous; i++)
        {
            uint inner = firstAnon + (uint)i + 1;
            if (i == anonymous - 1)
            {
                b.Type("", 4, 1, false, 4, b.Str("leaf"), 1, 0);
            }
            else
            {
                b.Type("", 4, 1, false, 4, b.Str($"a{i}"), inner, 0);
            }
        }

        b.Type("outer", 4, 1, false, 4, b.Str("deep"), firstAnon, 0);

        string header = AssertSameAsBpftool(b.Build(), "nesting");
        Assert.That(header, Does.Contain("\n\t\t\t\t\t\t\t\t\t\t\t\t\tint leaf;\n"));
        Assert.That(header.IndexOf("struct s2999 {", StringComparison.Ordinal), Is.LessThan(header.IndexOf("struct s0 {", StringComparison.Ordinal)));
    }

    private string AssertSameAsBpftool(byte[] blob, string name)
    {
        _directory ??= Clang.TemporaryDirectory();
        string path = Path.Combine(_directory, name + ".btf");
        File.WriteAllBytes(path, blob);
        string ours = BtfCWriter.ToHeader(BtfSpec.Load(path));
        string expected = Bpftool.Run("btf", "dump", "file", path, "format", "c");
        Assert.That(HeaderDiff.FirstDifference(expected, ours), Is.Null);
        return ours;
    }
}
