using System.Diagnostics;
using Ebpf.Elf;
using static Ebpf.Tests.Elf.ElfImage;

namespace Ebpf.Tests.Elf;

/// <summary>
/// Deterministic mutations of every test object: each must either parse completely (every section, symbol,
/// relocation and name readable) or fail with <see cref="ElfFormatException"/> — never another exception.
/// </summary>
public class ElfFuzzTests
{
    private const int RandomFlipsPerObject = 1500;

    private static readonly ulong[] InterestingValues =
    [
        0, 1, 2, 7, 8, 16, 24, 63, 64, 0x7f, 0xff, 0x100, 0xfeff, 0xff00, 0xfff1, 0xfff2, 0xffff, 0x10000,
        0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, 0x7fffffffffffffff, 0x8000000000000000, ulong.MaxValue,
    ];

    /// <summary>Every BPF test object, plus one small native executable to exercise program headers and .dynsym.</summary>
    public static IEnumerable<TestCaseData> Objects() =>
        TestPrograms.All.Append("/bin/true").Where(File.Exists)
            .Select(path => new TestCaseData(path).SetArgDisplayNames(Path.GetFileName(path)));

    [TestCaseSource(nameof(Objects))]
    public void MutationsParseOrThrowElfFormatException(string path)
    {
        var original = File.ReadAllBytes(path);
        Walk(ElfFile.Parse(original));
        var stats = new Stats();
        var stopwatch = Stopwatch.StartNew();

        // Truncation: at every length within the file header and the section header table, where the outcome
        // changes from one length to the next, and every 16th length in between (which all fail the same way).
        var sectionHeaders = (int)ElfFile.Parse(original).SectionHeaderOffset;
        for (var length = 0; length < original.Length; length += length < 256 || length >= sectionHeaders ? 1 : 16)
        {
            Check(original.AsMemory(0, length), stats, $"truncated to {length}");
        }

        // Header fields.
        (int Offset, int Size)[] headerFields =
        [
            (EShoff, 8), (EShentsize, 2), (EShnum, 2), (EShstrndx, 2), (EPhoff, 8), (EPhentsize, 2), (EPhnum, 2),
            (16, 2), (18, 2), (20, 4), (52, 2),
        ];
        var image = (byte[])original.Clone();
        foreach (var (offset, size) in headerFields)
        {
            foreach (var value in InterestingValues.Append((ulong)original.Length).Append((ulong)original.Length - 64))
            {
                Mutate(image, original, stats, offset, size, value, $"header field {offset} = 0x{value:x}");
            }
        }

        // Every program header field.
        var parsed = ElfFile.Parse(original);
        (int Offset, int Size)[] segmentFields = [(0, 4), (4, 4), (8, 8), (16, 8), (32, 8), (40, 8)];
        for (var i = 0; i < parsed.ProgramHeaders.Count; i++)
        {
            var header = (int)parsed.ProgramHeaderOffset + (i * parsed.ProgramHeaderEntrySize);
            foreach (var (offset, size) in segmentFields)
            {
                foreach (var value in InterestingValues.Append((ulong)original.Length))
                {
                    Mutate(image, original, stats, header + offset, size, value, $"program header {i} field {offset} = 0x{value:x}");
                }
            }
        }

        // Every section header field, and every field in the first entries of symbol and relocation tables.
        var elf = ElfFile.Parse(original);
        (int Offset, int Size)[] sectionFields =
        [
            (ShName, 4), (ShType, 4), (ShFlags, 8), (ShOffset, 8), (ShSize, 8), (ShLink, 4), (ShInfo, 4), (ShEntsize, 8),
        ];
        foreach (var section in elf.Sections)
        {
            var header = SectionHeader(original, section.Index);
            foreach (var (offset, size) in sectionFields)
            {
                foreach (var value in InterestingValues.Append((ulong)original.Length).Append(section.Offset + 1).Append(section.Size + 1))
                {
                    Mutate(image, original, stats, header + offset, size, value, $"section {section.Index} field {offset} = 0x{value:x}");
                }
            }

            if (section.Type is ElfSectionType.SymTab or ElfSectionType.DynSym)
            {
                for (var i = 0; i < Math.Min(8, elf.GetSymbolTable(section).Count); i++)
                {
                    foreach (var (offset, size) in new[] { (0, 4), (4, 1), (5, 1), (6, 2), (8, 8), (16, 8) })
                    {
                        foreach (var value in InterestingValues)
                        {
                            Mutate(image, original, stats, (int)section.Offset + (i * 24) + offset, size, value, $"symbol {i} field {offset} = 0x{value:x}");
                        }
                    }
                }
            }

            if (section.Type is ElfSectionType.Rel or ElfSectionType.Rela && section.Size > 0)
            {
                foreach (var value in InterestingValues)
                {
                    Mutate(image, original, stats, (int)section.Offset + 8, 8, value, $"relocation of section {section.Index} r_info = 0x{value:x}");
                    Mutate(image, original, stats, (int)section.Offset + 8, 4, value, $"relocation of section {section.Index} r_info hi = 0x{value:x}");
                }
            }
        }

        // Random byte flips, biased towards the headers and tables at the end of the file.
        var random = new Random(unchecked(path.Length * 7919 + original.Length));
        for (var round = 0; round < RandomFlipsPerObject; round++)
        {
            var flips = 1 + random.Next(4);
            var positions = new int[flips];
            for (var i = 0; i < flips; i++)
            {
                positions[i] = random.Next(4) switch
                {
                    0 => random.Next(64),
                    1 when parsed.ProgramHeaders.Count > 0 => (int)parsed.ProgramHeaderOffset + random.Next(parsed.ProgramHeaders.Count * parsed.ProgramHeaderEntrySize),
                    1 or 2 => (int)elf.SectionHeaderOffset + random.Next(original.Length - (int)elf.SectionHeaderOffset),
                    _ => random.Next(original.Length),
                };
                image[positions[i]] = (byte)random.Next(256);
            }

            Check(image, stats, $"random round {round} at [{string.Join(", ", positions)}]");
            foreach (var position in positions)
            {
                image[position] = original[position];
            }
        }

        TestContext.Out.WriteLine($"{Path.GetFileName(path)}: {stats.Parsed} parsed, {stats.Rejected} rejected in {stopwatch.ElapsedMilliseconds} ms");
        Assert.That(stats.Failures, Is.Empty);
        Assert.That(stats.Parsed, Is.GreaterThan(100), "some mutations should still parse");
        Assert.That(stats.Rejected, Is.GreaterThan(100), "some mutations should be rejected");
    }

    private static void Mutate(byte[] image, byte[] original, Stats stats, int offset, int size, ulong value, string what)
    {
        Write(image, offset, size, value);
        Check(image, stats, what);
        Array.Copy(original, offset, image, offset, size);
    }

    private static void Check(ReadOnlyMemory<byte> image, Stats stats, string what)
    {
        try
        {
            using var elf = ElfFile.Parse(image);
            Walk(elf);
            stats.Parsed++;
        }
        catch (ElfFormatException ex)
        {
            stats.Rejected++;
            if (ex.Offset < -1 || ex.Offset > image.Length)
            {
                stats.Failures.Add($"{what}: offset {ex.Offset} outside the image: {ex.Message}");
            }
        }
#pragma warning disable CA1031 // the point is to catch anything else
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (stats.Failures.Count < 20)
            {
                stats.Failures.Add($"{what}: {ex.GetType().Name}: {ex.Message}\n{ex.StackTrace}");
            }
        }
    }

    private sealed class Stats
    {
        public int Parsed;
        public int Rejected;
        public List<string> Failures { get; } = [];
    }
}
