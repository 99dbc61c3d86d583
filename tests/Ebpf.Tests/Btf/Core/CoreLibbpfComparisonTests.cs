using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Elf;

namespace Ebpf.Tests.Btf;

/// <summary>
/// End to end: the CO-RE test programs (tests/bpf/core*.bpf.c) relocated by <see cref="CoreRelocator"/> against the
/// running kernel's BTF and another kernel's (shared test data) must come out byte for byte as libbpf relocates them.
/// </summary>
[Category("Kernel")]
public class CoreLibbpfComparisonTests
{
    private static readonly string[] Objects = ["core", "core_kinds"];

    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (var name in Objects)
        {
            yield return new TestCaseData(name, false).SetArgDisplayNames(name, "running kernel");
            yield return new TestCaseData(name, true).SetArgDisplayNames(name, "other kernel");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void RelocationsMatchLibbpf(string name, bool otherKernel)
    {
        string targetPath = otherKernel ? BtfTestData.SharedVmlinuxFile() : BtfTestData.KernelVmlinux;
        if (!otherKernel)
        {
            BtfTestData.KernelBytes();
        }

        var target = BtfSpec.Load(targetPath);
        string obj = TestPrograms.Path(name);
        var (ours, patches) = Relocate(obj, target);
        var (theirs, log) = LibbpfCoreHarness.Relocate(obj, targetPath);
        TestContext.Out.WriteLine(string.Join("\n", patches.Select(p => $"{p.InstructionIndex}: {p.Outcome}")));
        TestContext.Out.WriteLine(log);
        Assert.That(patches, Is.Not.Empty);
        Assert.That(ours.Keys, Is.EquivalentTo(theirs.Keys));
        foreach (var (program, bytes) in ours)
        {
            Assert.That(Slots(bytes), Is.EqualTo(Slots(theirs[program])), $"{program} against {targetPath}");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void BothByteOrdersResolveAlike(string name, bool otherKernel)
    {
        var target = otherKernel ? BtfSpec.Load(BtfTestData.SharedVmlinuxFile()) : BtfSpec.Parse(BtfTestData.KernelBytes());
        var (_, little) = Relocate(TestPrograms.Path(name, bigEndian: false), target);
        var (_, big) = Relocate(TestPrograms.Path(name, bigEndian: true), target);
        // clang schedules some programs differently for bpfeb (and reads bitfield sizes once more), so compare sets
        Assert.That(big.Select(Describe).Distinct(), Is.EquivalentTo(little.Select(Describe).Distinct()));
    }

    [Test]
    public void KindsObjectPoisonsWhatTheKernelLacks()
    {
        var target = BtfSpec.Parse(BtfTestData.KernelBytes());
        var (_, patches) = Relocate(TestPrograms.Path("core_kinds"), target);
        var poisoned = patches.Where(p => p.Poisoned).Select(p => p.Outcome.Relocation.Kind).ToArray();

        // ___narrow's 8-byte load of a 4-byte signed pid and the missing enumerator's value on every kernel; ___old's
        // state offset where the kernel's task_struct has no state (renamed __state in 5.14).
        var task = (BtfStruct)target.GetTypeById(target.FindIds("task_struct", BtfKind.Struct).Single());
        bool kernelHasState = task.Members.Any(m => m.Name == "state");
        var expected = new List<CoreRelocationKind> { CoreRelocationKind.FieldByteOffset, CoreRelocationKind.EnumValue };
        if (!kernelHasState)
        {
            expected.Add(CoreRelocationKind.FieldByteOffset);
        }

        Assert.That(poisoned, Is.EquivalentTo(expected), kernelHasState ? "task_struct has state" : "task_struct has no state");
        var (_, core) = Relocate(TestPrograms.Path("core"), target);
        var kinds = patches.Concat(core).Select(p => p.Outcome.Relocation.Kind).Distinct().ToArray();
        Assert.That(kinds, Has.Length.EqualTo(12), "every kind but TypeMatches (clang 14 does not emit it)");
    }

    private static string Describe(CoreRelocationPatch p) =>
        $"{p.Outcome.Relocation.Kind} {p.Outcome.Relocation.AccessString} {(p.Outcome.Poison ? "poison" : p.Outcome.NewValue)}";

    private static string[] Slots(byte[] bytes) =>
        Enumerable.Range(0, bytes.Length / 8).Select(i => $"{i}: {Convert.ToHexString(bytes, i * 8, 8)}").ToArray();

    /// <summary>Relocates every code section of an object; returns each global function's bytes (host order).</summary>
    internal static (Dictionary<string, byte[]> Programs, List<CoreRelocationPatch> Patches) Relocate(string path, BtfSpec target)
    {
        if (!File.Exists(path))
        {
            Assert.Ignore($"{path} was not built");
        }

        var elf = ElfFile.Parse(File.ReadAllBytes(path));
        var btf = BtfSpec.FromElf(elf);
        var ext = BtfExtInfo.FromElf(elf, btf) ?? throw new AssertionException("no .BTF.ext");
        var relocator = new CoreRelocator(btf, [target]);
        var programs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var patches = new List<CoreRelocationPatch>();
        foreach (var sectionName in ext.SectionNames)
        {
            var section = elf.FindSection(sectionName)!;
            var instructions = Instructions.Decode(section.Data.Span, btf.ByteOrder);
            ext.Apply(sectionName, instructions);
            patches.AddRange(relocator.Apply(instructions).Patches);
            byte[] bytes = instructions.Encode(BitConverter.IsLittleEndian ? ByteOrder.LittleEndian : ByteOrder.BigEndian);
            foreach (var symbol in elf.Symbols.Where(s => s.Type == ElfSymbolType.Function && s.SectionIndex == (uint)section.Index))
            {
                programs[symbol.Name] = bytes[(int)symbol.Value..(int)(symbol.Value + symbol.Size)];
            }
        }

        return (programs, patches);
    }
}
