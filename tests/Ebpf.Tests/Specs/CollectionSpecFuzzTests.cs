using System.Buffers.Binary;
using Ebpf.Btf;
using Ebpf.Asm;
using Ebpf.Elf;

namespace Ebpf.Tests.Specs;

/// <summary>
/// Deterministic mutations of the symbols, relocations and code of every test object: each must either load
/// or fail with <see cref="ElfFormatException"/>, <see cref="BtfFormatException"/>, <see cref="ElfSpecException"/>, <see cref="MapDefinitionException"/> or <see cref="InstructionFormatException"/>.
/// </summary>
[TestFixture]
public sealed class CollectionSpecFuzzTests
{
    private const int RandomMutations = 400;

    private static readonly ulong[] InterestingValues = [0, 1, 4, 7, 8, 9, 0x10, 0xff, 0xfff1, 0xffff, 0x7fffffff, 0xffffffff, ulong.MaxValue];

    public static IEnumerable<TestCaseData> Objects() =>
        TestPrograms.All.Select(path => new TestCaseData(Path.GetFileName(path)).SetArgDisplayNames(Path.GetFileName(path)));

    [TestCaseSource(nameof(Objects))]
    public void MutationsLoadOrThrowTypedExceptions(string file)
    {
        var original = File.ReadAllBytes(Path.Combine(TestPrograms.Directory, file));
        var elf = ElfFile.Parse(original);
        bool bigEndian = elf.ByteOrder == ElfByteOrder.BigEndian;
        var random = new Random(file.Length * 7919 + original.Length);

        // Every field of every symbol.
        var symtab = elf.Symbols.Section!;
        (int Offset, int Size)[] symbolFields = [(0, 4), (4, 1), (5, 1), (6, 2), (8, 8), (16, 8)];
        for (int i = 1; i < elf.Symbols.Count; i++)
        {
            foreach (var (offset, size) in symbolFields)
            {
                foreach (var value in InterestingValues.Append((ulong)random.Next(0, 64)))
                {
                    Check(original, (int)symtab.Offset + (i * ElfSymbolTable.EntrySize) + offset, size, value, bigEndian, $"symbol {i} field {offset} = 0x{value:x}");
                }
            }
        }

        // Every field of every relocation of code sections.
        foreach (var table in elf.RelocationTables.Where(t => t.TargetSection is { } s && (s.Flags & ElfSectionFlags.ExecInstr) != 0))
        {
            for (int i = 0; i < table.Count; i++)
            {
                int entry = (int)table.Section.Offset + (i * ElfRelocationTable.RelEntrySize);
                foreach (var value in InterestingValues.Append((ulong)random.Next(0, 512)))
                {
                    Check(original, entry, 8, value, bigEndian, $"{table.Section.Name}[{i}] offset = 0x{value:x}");
                    Check(original, entry + (bigEndian ? 8 : 12), 4, value, bigEndian, $"{table.Section.Name}[{i}] symbol = 0x{value:x}");
                    Check(original, entry + (bigEndian ? 12 : 8), 4, value, bigEndian, $"{table.Section.Name}[{i}] type = 0x{value:x}");
                }
            }
        }

        // Random bytes of code, data and the .BTF.ext section.
        var targets = elf.Sections.Where(s => s.HasData && s.Size > 0 && ((s.Flags & ElfSectionFlags.ExecInstr) != 0 || s.Name is ".BTF.ext" or ".data" or ".maps" or "license")).ToList();
        for (int n = 0; n < RandomMutations && targets.Count > 0; n++)
        {
            var section = targets[random.Next(targets.Count)];
            int at = (int)section.Offset + random.Next((int)section.Size);
            Check(original, at, 1, (ulong)random.Next(256), bigEndian, $"{section.Name}+{at - (int)section.Offset} = random");
        }
    }

    private static void Check(byte[] original, int offset, int size, ulong value, bool bigEndian, string what)
    {
        var image = (byte[])original.Clone();
        var span = image.AsSpan(offset, size);
        switch (size)
        {
            case 1: span[0] = (byte)value; break;
            case 2: if (bigEndian) { BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)value); } else { BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)value); } break;
            case 4: if (bigEndian) { BinaryPrimitives.WriteUInt32BigEndian(span, (uint)value); } else { BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)value); } break;
            default: if (bigEndian) { BinaryPrimitives.WriteUInt64BigEndian(span, value); } else { BinaryPrimitives.WriteUInt64LittleEndian(span, value); } break;
        }

        try
        {
            CollectionSpec.Load(image.AsMemory());
        }
        catch (Exception e) when (e is ElfFormatException or BtfFormatException or ElfSpecException or MapDefinitionException or InstructionFormatException)
        {
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
        }
    }
}
