using Ebpf.Asm;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Specs;

/// <summary>
/// tests/bpf/arena_noload.bpf.c: an arena map and <c>__arena</c> globals in <c>.addr_space.1</c>, read as libbpf 1.4+
/// does (libbpf 1.1 here predates arenas, so there is no harness comparison).
/// </summary>
[TestFixture]
public sealed class ArenaTests
{
    [TestCase(false)]
    [TestCase(true)]
    public void ArenaGlobalsBelongToTheArenaMap(bool bigEndian)
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("arena_noload", bigEndian));
        var arena = spec.Maps["arena"];
        Assert.That((arena.Type, arena.Flags, arena.MaxEntries, arena.KeySize, arena.ValueSize), Is.EqualTo((BpfMapType.Arena, BpfMapFlags.Mmapable, 4u, 0u, 0u)));
        Assert.That(arena.ArenaData.Length, Is.EqualTo(24));
        Assert.That(spec.Maps.Keys, Does.Not.Contain(".addr_space.1"), "no global data map of its own");

        var counter = spec.Variables["arena_counter"];
        var pair = spec.Variables["arena_pair"];
        Assert.That((counter.MapName, counter.Offset, counter.Size, counter.Get<int>()), Is.EqualTo(("arena", 0, 4, 5)));
        Assert.That((pair.MapName, pair.Offset, pair.Size), Is.EqualTo(("arena", 8, 16)));

        // Setting a variable changes what the loader writes into the arena.
        counter.Set(41);
        Assert.That(spec.Maps["arena"].ArenaData.Span[bigEndian ? 3 : 0], Is.EqualTo(41));

        var loads = spec.Programs["bump"].Instructions.Where(i => i.IsLoadFromMap).Select(i => ((byte)i.Src, i.Reference, i.Constant >> 32));
        Assert.That(loads, Is.EquivalentTo(new[] { (PseudoSource.MapValue, "arena", 0L), (PseudoSource.MapValue, "arena", 8L) }));
    }

    [Test]
    public void ArenaGlobalsWithoutAnArenaMapAreRefused()
    {
        // Renaming .maps hides the arena map definition (and the section's BTF name with it).
        byte[] bytes = File.ReadAllBytes(TestPrograms.Path("arena_noload"));
        byte[] from = "\0.maps\0"u8.ToArray(), to = "\0.mapz\0"u8.ToArray();
        int replaced = 0;
        for (int i = bytes.AsSpan().IndexOf(from); i >= 0; i = bytes.AsSpan().IndexOf(from))
        {
            to.CopyTo(bytes, i);
            replaced++;
        }

        Assert.That(replaced, Is.GreaterThan(0));
        var e = Assert.Throws<ElfSpecException>(() => CollectionSpec.Load(bytes.AsMemory()));
        Assert.That(e!.Message, Does.Contain("no arena map").And.Contain(".addr_space.1"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void TwoArenaMapsAreRefused(bool bigEndian)
    {
        var e = Assert.Throws<ElfSpecException>(() => CollectionSpec.Load(TestPrograms.Path("arena_two_invalid", bigEndian)));
        Assert.That(e!.Message, Does.Contain("2 arena maps").And.Contain("arena_a").And.Contain("arena_b"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void ArenaGlobalsLargerThanTheArenaAreRefused(bool bigEndian)
    {
        var e = Assert.Throws<ElfSpecException>(() => CollectionSpec.Load(TestPrograms.Path("arena_small_invalid", bigEndian)));
        Assert.That(e!.Message, Does.Contain("need 8192 bytes").And.Contain("'arena' holds 1 pages"));
    }

    [Test]
    public void AnArenaSpecTooSmallForItsGlobalsIsRefusedAndItsMapClosed()
    {
        // A spec built or edited in code skips the reader's check: Map.Create refuses it before mapping the arena.
        var fd = new BpfFileDescriptor(100, ownsHandle: false);
        var sys = new Moq.Mock<IBpfSyscalls>();
        var system = sys.As<ISystemCalls>();
        sys.Setup(s => s.MapCreate(in Moq.It.Ref<Ebpf.Kernel.Interop.MapCreateAttr>.IsAny)).Returns(fd);
        var spec = new MapSpec { Name = "arena", Type = BpfMapType.Arena, Flags = BpfMapFlags.Mmapable, MaxEntries = 1, ArenaData = new byte[Environment.SystemPageSize + 1] };
        var e = Assert.Throws<ArgumentException>(() => Map.Create(spec, syscalls: sys.Object));
        Assert.That(e!.Message, Does.Contain("1 pages cannot hold"));
        Assert.That(fd.IsClosed, Is.True, "the created map is closed");
        system.Verify(s => s.Mmap(Moq.It.IsAny<nint>(), Moq.It.IsAny<nuint>(), Moq.It.IsAny<MmapProtection>(), Moq.It.IsAny<MmapFlags>(), Moq.It.IsAny<BpfFileDescriptor>(), Moq.It.IsAny<long>()), Moq.Times.Never);
    }

    [Test]
    public void ACopyHasItsOwnArenaData()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("arena_noload"));
        var copy = spec.Copy();
        copy.Variables["arena_counter"].Set(9);
        Assert.That((spec.Variables["arena_counter"].Get<int>(), copy.Maps["arena"].ArenaData.Span[0]), Is.EqualTo((5, (byte)9)));
    }

    [Test]
    [Category("Kernel")]
    public void TheKernelRunsAProgramOnTheArenaGlobals()
    {
        KernelRefusal.Require("BPF_MAP_TYPE_ARENA", () => Features.Default.HaveMapType(BpfMapType.Arena));

        var spec = CollectionSpec.Load(TestPrograms.Path("arena_noload"));
        var program = spec.Programs["bump"];
        spec.Programs["bump"] = program with { Instructions = WithAddressSpaceCasts(program.Instructions) };
        using var collection = Collection.Load(spec);
        var bump = collection.Programs["bump"];
        Assert.That(bump.TestRun(new ProgramTestRunOptions { Repeat = 0 }).ReturnValue, Is.EqualTo(6u + 100), "arena_counter was 5, arena_pair[0] 1: the globals were written into the arena");
        Assert.That(bump.TestRun(new ProgramTestRunOptions { Repeat = 0 }).ReturnValue, Is.EqualTo(7u + 100));
    }

    // What clang 18+ emits and clang 14 cannot: rX = addr_space_cast(rX, 0, 1) after each address of an __arena global.
    private static Instructions WithAddressSpaceCasts(Instructions instructions)
    {
        Assert.That(instructions.Any(i => i.IsBranch), Is.False, "inserting would move jump targets");
        var patched = new Instructions();
        foreach (var insn in instructions)
        {
            patched.Add(insn);
            if (insn.IsLoadFromMap && insn.Reference == "arena")
            {
                patched.Add(new Instruction(OpCode.Alu(InstructionClass.Alu64, AluOp.Mov, OperandSource.Register), insn.Dst, insn.Dst, 1, 1));
            }
        }

        return patched;
    }
}
