using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Elf;

namespace Ebpf.Tests.Btf;

/// <summary>Random relocations (any type, kind and access string) against real BTF fail only with
/// <see cref="CoreRelocationException"/>, never with an index, cast or overflow error.</summary>
public class CoreFuzzTests
{
    [Test]
    public void RandomRelocationsFailCleanly()
    {
        var elf = ElfFile.Parse(File.ReadAllBytes(TestPrograms.Path("core_kinds")));
        var local = BtfSpec.FromElf(elf);
        var target = BtfSpec.Parse(BtfTestData.KernelBytes());
        var random = new Random(1234);
        int resolved = 0, rejected = 0;
        for (int n = 0; n < 3000; n++)
        {
            uint id = (uint)random.Next(1, (int)local.LastTypeId + 2);
            var kind = (CoreRelocationKind)random.Next(0, 14);
            int steps = random.Next(0, 5);
            string access = steps == 0 && random.Next(2) == 0
                ? (random.Next(3) == 0 ? "" : "x:1")
                : string.Join(':', Enumerable.Range(0, steps + 1).Select(_ => random.Next(3) == 0 ? random.Next(int.MaxValue) : random.Next(4)));
            var relocation = new CoreRelocation(0, id, 0, access, kind);
            var relocator = new CoreRelocator(local, [target]);
            try
            {
                var outcome = relocator.Resolve(relocation);
                var program = new Instructions { Insn.Mov.Imm(Register.R1, unchecked((int)outcome.OriginalValue)).WithMetadata(new InstructionMetadata { Tag = relocation }) };
                relocator.Apply(program);
                resolved++;
            }
            catch (CoreRelocationException)
            {
                rejected++;
            }
        }

        TestContext.Out.WriteLine($"{resolved} resolved, {rejected} rejected");
        Assert.That(resolved, Is.GreaterThan(50));
        Assert.That(rejected, Is.GreaterThan(50));
    }
}
