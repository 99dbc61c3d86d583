using Ebpf.Asm;

namespace Ebpf.Tests.Specs;

/// <summary>tests/bpf/linking.bpf.c and externs_noload.bpf.c: programs sharing sections and subprograms, custom data sections, externs.</summary>
[TestFixture]
public sealed class CollectionSpecLinkingTests
{
    private static CollectionSpec Load(string name, bool bigEndian) => CollectionSpec.Load(TestPrograms.Path(name, bigEndian));

    [TestCase(false)]
    [TestCase(true)]
    public void EveryFunctionOfASectionIsAProgram(bool bigEndian)
    {
        var spec = Load("linking", bigEndian);
        Assert.That(spec.Programs.Keys, Is.EquivalentTo(new[] { "xdp_first", "xdp_second", "on_sys_enter", "xdp_frags_prog", "sleepy" }));
        Assert.That(spec.Programs["xdp_first"].SectionName, Is.EqualTo("xdp"));
        Assert.That(spec.Programs["xdp_second"].SectionName, Is.EqualTo("xdp"));
        Assert.That(spec.Programs["xdp_frags_prog"].Flags, Is.EqualTo(ProgramFlags.XdpHasFrags));
        Assert.That(spec.Programs["sleepy"].Flags, Is.EqualTo(ProgramFlags.Sleepable));
        Assert.That(spec.Programs["sleepy"].AttachTo, Is.EqualTo("/proc/self/exe:main"));
        Assert.That(spec.Programs["on_sys_enter"].AttachTo, Is.EqualTo("sys_enter"));
        Assert.That(spec.Programs.Values.Select(p => p.License).Distinct(), Is.EqualTo(new[] { "Dual BSD/GPL" }));
        Assert.That(spec.Programs.Values.Select(p => p.KernelVersion).Distinct(), Is.EqualTo(new[] { 0x050a00u }));
    }

    [TestCase("xdp_first", new[] { "xdp_first", "add_twice", "twice" })]
    [TestCase("xdp_second", new[] { "xdp_second", "twice", "global_helper" })]
    [TestCase("on_sys_enter", new[] { "on_sys_enter", "visit", "twice", "add_twice" })]
    [TestCase("xdp_frags_prog", new[] { "xdp_frags_prog", "global_helper" })]
    [TestCase("sleepy", new[] { "sleepy" })]
    public void SubprogramsAreLinkedDepthFirstInOrderOfFirstUse(string program, string[] functions)
    {
        foreach (bool bigEndian in new[] { false, true })
        {
            var instructions = Load("linking", bigEndian).Programs[program].Instructions;
            var symbols = instructions.SymbolOffsets();
            Assert.That(symbols.OrderBy(kv => kv.Value).Select(kv => kv.Key), Is.EqualTo(functions));
            int slot = 0;
            foreach (var insn in instructions)
            {
                if (insn.IsFunctionCall || insn.IsLoadOfFunctionPointer)
                {
                    Assert.That(slot + 1 + insn.Immediate, Is.EqualTo(symbols[insn.Reference!]), $"{program}: {insn}");
                }

                slot += insn.Slots;
            }

            // Line info travels with each function's instructions.
            Assert.That(instructions.Where(i => i.Symbol is not null).All(i => i.Metadata?.Source is not null), Is.True);
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public void CustomDataSectionsAreMapsOfTheirOwn(bool bigEndian)
    {
        var spec = Load("linking", bigEndian);
        Assert.That(spec.Maps.Keys.Where(k => k.StartsWith('.')), Is.EquivalentTo(new[] { ".data.custom", ".data", ".rodata", ".bss", ".kconfig" }));
        Assert.That(spec.Variables["custom_counter"].Get<ulong>(), Is.EqualTo(7UL));
        Assert.That((spec.Variables["custom_pair"].MapName, spec.Variables["custom_pair"].Offset, spec.Variables["custom_pair"].Size), Is.EqualTo((".data.custom", 8, 8)));
        Assert.That(spec.Variables["hidden_static"].Get<ulong>(), Is.EqualTo(3UL), "static variables are variables too");
        Assert.That(spec.Variables["greeting"].Bytes.ToArray(), Is.EqualTo("hello\0"u8.ToArray()));
        Assert.That(spec.Variables["zeroed"].Size, Is.EqualTo(32));
        Assert.That(spec.Maps[".data"].Flags, Is.EqualTo((BpfMapFlags)0), "only static variables: not mmapable, as in libbpf");

        // A static variable is reached through the section symbol plus the offset in the instruction.
        var twice = spec.Programs["xdp_second"].Instructions;
        Assert.That(twice.Where(i => i.IsLoadFromMap).Select(i => (i.Reference, i.Constant >> 32)),
            Is.SupersetOf(new[] { (".data.custom", 8L), (".rodata", 0L), (".data", 0L) }));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void KconfigExternsAreLaidOutLikeLibbpf(bool bigEndian)
    {
        var spec = Load("linking", bigEndian);
        var kconfig = spec.Maps[".kconfig"];
        Assert.That((kconfig.ValueSize, kconfig.Freeze, kconfig.Flags), Is.EqualTo((37u, true, BpfMapFlags.RdonlyProg | BpfMapFlags.Mmapable)));
        var offsets = spec.Variables.Values.Where(v => v.MapName == ".kconfig").ToDictionary(v => v.Name, v => (v.Offset, v.Size));
        Assert.That(offsets, Is.EquivalentTo(new Dictionary<string, (int, int)>
        {
            ["CONFIG_NR_CPUS"] = (0, 8),
            ["CONFIG_BPF_LSM"] = (8, 4),
            ["CONFIG_HZ"] = (12, 4),
            ["LINUX_KERNEL_VERSION"] = (16, 4),
            ["CONFIG_BPF_SYSCALL"] = (20, 1),
            ["CONFIG_LOCALVERSION"] = (21, 16),
        }));
        Assert.That(spec.Variables["CONFIG_HZ"].IsReadOnly, Is.True);
        var loads = spec.Programs["xdp_first"].Instructions.Where(i => i.Reference == ".kconfig").ToList();
        Assert.That(loads.Select(i => ((byte)i.Src, (int)(i.Constant >> 32))),
            Is.SupersetOf(new[] { (PseudoSource.MapValue, 16), (PseudoSource.MapValue, 12), (PseudoSource.MapValue, 20), (PseudoSource.MapValue, 8) }));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void KsymsAndKfuncsStaySymbolic(bool bigEndian)
    {
        var spec = Load("externs_noload", bigEndian);
        var program = spec.Programs["with_ksyms"];
        Assert.That(program.Autoload, Is.False);
        Assert.That(program.SectionName, Is.EqualTo("tp_btf/sys_enter"));
        var kfuncs = program.Instructions.Where(i => i.IsKfuncCall).Select(i => (i.Reference, i.Constant));
        Assert.That(kfuncs, Is.EqualTo(new[] { ("bpf_rcu_read_lock", 0L), ("bpf_rcu_read_unlock", 0L) }));
        var ksyms = program.Instructions.Where(i => i.OpCode.IsLoadImm64 && (byte)i.Src == PseudoSource.BtfId).Select(i => i.Reference);
        Assert.That(ksyms, Is.EquivalentTo(new[] { "bpf_prog_active" }), "init_task is typeless: a plain lddw (KsymTests)");
        Assert.That(program.Instructions.Count(i => i.Reference == ".kconfig"), Is.EqualTo(1));

        // String literals live in .rodata.str1.1, a read-only map without BTF (libbpf makes one too).
        var strings = spec.Maps[".rodata.str1.1"];
        Assert.That((strings.Flags, strings.Freeze, strings.Value), Is.EqualTo((BpfMapFlags.RdonlyProg, true, (Ebpf.Btf.BtfType?)null)));
        Assert.That(strings.Contents[0].Value.ToArray(), Is.EqualTo("second %d\n\0"u8.ToArray()));
        Assert.That(program.Instructions.Count(i => i.Reference == ".rodata.str1.1"), Is.EqualTo(1));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void LegacyMapsAreReferencedByName(bool bigEndian)
    {
        var program = Load("legacy_maps_noload", bigEndian).Programs["legacy_reader"];
        var maps = program.Instructions.Where(i => i.IsLoadFromMap).Select(i => ((byte)i.Src, i.Reference, i.Constant));
        Assert.That(maps, Is.EqualTo(new[] { (PseudoSource.MapFd, "legacy_hash", 0L), (PseudoSource.MapFd, "legacy_array", 0L) }), "a static map is found by the section symbol and offset");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void ObjectsWithoutBtfLoad(bool bigEndian)
    {
        string stripped = Path.Combine(Directory.CreateTempSubdirectory("ebpf-nobtf-").FullName, "legacy.o");
        try
        {
            ExternalTool.Run("llvm-objcopy-14", "--remove-section", ".BTF", "--remove-section", ".BTF.ext", "--remove-section", ".rel.BTF",
                "--remove-section", ".rel.BTF.ext", TestPrograms.Path("legacy_maps_noload", bigEndian), stripped);
            var spec = CollectionSpec.Load(stripped);
            Assert.That(spec.Types, Is.Null);
            var program = spec.Programs["legacy_reader"];
            Assert.That(program.Btf, Is.Null);
            Assert.That(program.Instructions.Where(i => i.IsLoadFromMap).Select(i => i.Reference), Is.EqualTo(new[] { "legacy_hash", "legacy_array" }));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(stripped)!, recursive: true);
        }
    }

    [Test]
    public void NonBpfObjectsAreRefused()
    {
        var e = Assert.Throws<ElfSpecException>(() => CollectionSpec.Load("/bin/true"));
        Assert.That(e!.Message, Does.Contain("not a BPF object"));
    }

    [Test]
    public void UnsupportedRelocationsNameSymbolAndSection()
    {
        // An lddw against the license section: neither map, data nor code.
        var bytes = File.ReadAllBytes(TestPrograms.Path("externs_noload"));
        var elf = Ebpf.Elf.ElfFile.Parse(bytes);
        var license = elf.FindSection("license")!;
        var seen = elf.Symbols.Single(s => s.Name == "seen");
        // Point the symbol 'seen' at the license section: patch st_shndx in the symbol table.
        var symtab = elf.Symbols.Section!;
        int entry = (int)symtab.Offset + seen.Index * Ebpf.Elf.ElfSymbolTable.EntrySize;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(entry + 6), (ushort)license.Index);
        var e = Assert.Throws<ElfSpecException>(() => CollectionSpec.Load(bytes.AsMemory()));
        Assert.That((e!.SectionName, e.SymbolName), Is.EqualTo(("?tp_btf/sys_enter", "seen")));
        Assert.That(e.Message, Does.Contain("license"));
    }
}
