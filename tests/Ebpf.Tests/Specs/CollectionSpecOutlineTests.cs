using Ebpf.Asm;

namespace Ebpf.Tests.Specs;

/// <summary>
/// <c>CollectionSpec.LoadOutline</c>, what <c>ebpf inspect</c> reads: the spec of <see cref="CollectionSpec.Load(string)"/>
/// without the line and CO-RE records of <c>.BTF.ext</c>.
/// </summary>
[TestFixture]
public sealed class CollectionSpecOutlineTests
{
    public static IEnumerable<TestCaseData> Objects() =>
        TestPrograms.All.Select(path => new TestCaseData(Path.GetFileName(path)).SetArgDisplayNames(Path.GetFileName(path)));

    [TestCaseSource(nameof(Objects))]
    public void The_outline_has_the_programs_maps_and_variables_of_the_full_read(string file)
    {
        string path = Path.Combine(TestPrograms.Directory, file);
        CollectionSpec full;
        try
        {
            full = CollectionSpec.Load(path);
        }
        catch (ElfSpecException e)
        {
            Assert.That(() => CollectionSpec.LoadOutline(path), Throws.TypeOf<ElfSpecException>().With.Message.EqualTo(e.Message));
            return;
        }

        var outline = CollectionSpec.LoadOutline(path);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(outline.Programs.Keys, Is.EquivalentTo(full.Programs.Keys));
            Assert.That(outline.Maps.Keys, Is.EquivalentTo(full.Maps.Keys));
            Assert.That(outline.Variables.Keys, Is.EquivalentTo(full.Variables.Keys));
            Assert.That(outline.ObjectName, Is.EqualTo(full.ObjectName));
        }

        foreach (var (name, program) in full.Programs)
        {
            var other = outline.Programs[name];
            Assert.That((other.Type, other.AttachType, other.AttachTo, other.Flags, other.SectionName, other.License, other.KernelVersion, other.Autoload),
                Is.EqualTo((program.Type, program.AttachType, program.AttachTo, program.Flags, program.SectionName, program.License, program.KernelVersion, program.Autoload)), name);
            Assert.That(other.WeakKernelSymbols, Is.EquivalentTo(program.WeakKernelSymbols), name);
            Assert.That(other.Instructions.Select(Bare), Is.EqualTo(program.Instructions.Select(Bare)), name);
            Assert.That(other.Instructions.Any(i => i.Metadata?.Source is not null || i.Metadata?.Tag is not null), Is.False, $"{name}: no line or CO-RE records");
        }

        foreach (var (name, map) in full.Maps)
        {
            var other = outline.Maps[name];
            Assert.That((other.Type, other.KeySize, other.ValueSize, other.MaxEntries, other.Flags, other.SectionName),
                Is.EqualTo((map.Type, map.KeySize, map.ValueSize, map.MaxEntries, map.Flags, map.SectionName)), name);
        }

        foreach (var (name, variable) in full.Variables)
        {
            var other = outline.Variables[name];
            Assert.That((other.MapName, other.Offset, other.Size), Is.EqualTo((variable.MapName, variable.Offset, variable.Size)), name);
        }
    }

    [Test]
    public void The_full_read_keeps_line_and_core_records() =>
        Assert.That(CollectionSpec.Load(TestPrograms.Path("core")).Programs.Values.SelectMany(p => p.Instructions).Count(i => i.Metadata?.Source is not null), Is.Positive);

    // An instruction without its source line or CO-RE record: what the outline must still have.
    private static (byte, Register, Register, short, long, string?, string?) Bare(Instruction insn) =>
        (insn.OpCode.Value, insn.Dst, insn.Src, insn.Offset, insn.Constant, insn.Symbol, insn.Reference);
}
