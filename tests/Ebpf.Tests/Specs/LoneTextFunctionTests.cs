namespace Ebpf.Tests.Specs;

/// <summary>An object whose only function is in .text: a program of unknown type, as libbpf opens it.</summary>
[TestFixture]
public sealed class LoneTextFunctionTests
{
    [TestCase(false)]
    [TestCase(true)]
    public void TheOnlyTextFunctionIsAProgram(bool bigEndian)
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("lone_text_noload", bigEndian));
        Assert.That(spec.Programs.Keys, Is.EqualTo(new[] { "lone" }));
        var program = spec.Programs["lone"];
        Assert.That((program.SectionName, program.Type, program.Autoload), Is.EqualTo((".text", BpfProgramType.Unspec, true)));
    }
}
