using System.Globalization;
using System.Text.RegularExpressions;
using Ebpf.Btf;
using Ebpf.Links;

namespace Ebpf.Tests.Links;

/// <summary>
/// USDT probes read from <c>.note.stapsdt</c> (compared with <c>readelf -n</c>), their x86-64 argument specifications
/// parsed as libbpf's <c>parse_usdt_arg</c>, and the <c>struct __bpf_usdt_spec</c> bytes checked against the layout
/// usdt.bpf.h gives in the BTF of tests/bpf/usdt.bpf.c.
/// </summary>
public sealed partial class UsdtProbeTests
{
    [Test]
    public void NotesMatchReadelf()
    {
        var probes = UsdtProbe.Read(UsdtTargetBinary.Path);
        var readelf = ReadelfNotes(UsdtTargetBinary.Path);
        Assert.That(probes.Select(p => (p.Provider, p.Name, p.Address, p.BaseAddress, p.SemaphoreAddress, p.Arguments)), Is.EqualTo(readelf));
        Assert.That(probes.Select(p => p.Name), Is.EqualTo(new[] { "forms", "widths", "indexed", "guarded" }));
        Assert.That(probes[0].Arguments, Is.EqualTo("-4@%edi -4@$5 -4@-4(%rsp) -8@-16(%rsp) -4@$-1 -4@40(%rsi) -8@(%rsi)"), "gcc -O1 gives every form");
        Assert.That(probes[2].Arguments, Does.StartWith("-8@8(%rsi,%rdx,8)"));
    }

    [Test]
    public void FileOffsetsTranslateThroughTheSegments()
    {
        // The PIE's text segment: offset == address; .probes is in the data segment, whose offset differs from its address.
        var probes = UsdtProbe.Read(UsdtTargetBinary.Path);
        var guarded = probes.Single(p => p.Name == "guarded");
        string sections = ExternalTool.Run("readelf", "-SW", UsdtTargetBinary.Path);
        var probesSection = Regex.Match(sections, @"\.probes\s+PROGBITS\s+([0-9a-f]+)\s+([0-9a-f]+)");
        ulong address = ulong.Parse(probesSection.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        ulong offset = ulong.Parse(probesSection.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        Assert.That(guarded.SemaphoreAddress, Is.EqualTo(address));
        Assert.That(guarded.SemaphoreOffset, Is.EqualTo(offset));
        Assert.That(guarded.SemaphoreOffset, Is.EqualTo(UprobeSymbols.VariableOffset(UsdtTargetBinary.Path, "ebpf_test_guarded_semaphore")));
        Assert.That(probes.Where(p => p.Name != "guarded").Select(p => p.SemaphoreOffset), Is.All.EqualTo(0UL));
        Assert.That(probes.Select(p => p.FileOffset), Is.EqualTo(probes.Select(p => (ulong?)p.Address)), "PIE text: file offset equals address");
        Assert.That(probes.Select(p => p.AdjustedAddress), Is.EqualTo(probes.Select(p => p.Address)), "not prelinked");
    }

    [Test]
    public void PythonHasFunctionEntryWithASemaphore()
    {
        const string python = "/usr/bin/python3.11";
        var entry = UsdtProbe.Read(python).Single(p => p.Provider == "python" && p.Name == "function__entry");
        Assert.That(entry.ArgumentCount, Is.EqualTo(3));
        Assert.That(entry.SemaphoreOffset, Is.Not.Null.And.Not.Zero);
        Assert.That(UsdtArguments.Parse(entry.Arguments), Has.Length.EqualTo(3));
        Assert.That(UsdtProbe.Read(python).Select(p => (p.Provider, p.Name, p.Address, p.BaseAddress, p.SemaphoreAddress, p.Arguments)),
            Is.EqualTo(ReadelfNotes(python)));
    }

    [Test]
    public void BinaryWithoutNotesHasNoProbes() =>
        Assert.That(UsdtProbe.Read("/bin/true"), Is.Empty);

    [TestCase("-4@%eax", (int)UsdtArgumentKind.Register, 4, true, 0L, (short)80)]
    [TestCase("8@%rax", (int)UsdtArgumentKind.Register, 8, false, 0L, (short)80)]
    [TestCase("-1@%sil", (int)UsdtArgumentKind.Register, 1, true, 0L, (short)104)]
    [TestCase("2@%r8w", (int)UsdtArgumentKind.Register, 2, false, 0L, (short)72)]
    [TestCase("-8@%r15", (int)UsdtArgumentKind.Register, 8, true, 0L, (short)0)]
    [TestCase("8@%rip", (int)UsdtArgumentKind.Register, 8, false, 0L, (short)128)]
    [TestCase("-4@$5", (int)UsdtArgumentKind.Constant, 4, true, 5L, (short)0)]
    [TestCase("-4@$-9", (int)UsdtArgumentKind.Constant, 4, true, -9L, (short)0)]
    [TestCase("8@-8(%rbp)", (int)UsdtArgumentKind.RegisterDereference, 8, false, -8L, (short)32)]
    [TestCase("-4@-1204(%rbp)", (int)UsdtArgumentKind.RegisterDereference, 4, true, -1204L, (short)32)]
    [TestCase("8@(%rsp)", (int)UsdtArgumentKind.RegisterDereference, 8, false, 0L, (short)152)]
    [TestCase("-4@40(%rsi)", (int)UsdtArgumentKind.RegisterDereference, 4, true, 40L, (short)104)]
    public void ArgumentFormsParse(string text, int kind, int size, bool signed, long value, short register)
    {
        var argument = UsdtArguments.ParseOne(text);
        Assert.That(argument, Is.EqualTo(new UsdtArgument((UsdtArgumentKind)kind, size, signed, value, register)));
        Assert.That(argument.BitShift, Is.EqualTo(64 - (8 * size)));
    }

    [TestCase("8@8(%rax,%rdx,4)", 8L, (short)80, (short)96, (byte)2)]
    [TestCase("-8@8(%rsi,%rdx,8)", 8L, (short)104, (short)96, (byte)3)]
    [TestCase("1@-96(%rbp,%rax)", -96L, (short)32, (short)80, (byte)0)]
    [TestCase("1@(%rbp,%rax,2)", 0L, (short)32, (short)80, (byte)1)]
    public void ScaledIndexFormsParse(string text, long offset, short baseRegister, short indexRegister, byte shift)
    {
        var argument = UsdtArguments.ParseOne(text);
        Assert.That(argument.Kind, Is.EqualTo(UsdtArgumentKind.ScaledIndex));
        Assert.That((argument.Value, argument.RegisterOffset, argument.IndexRegisterOffset, argument.ScaleShift),
            Is.EqualTo((offset, baseRegister, indexRegister, shift)));
    }

    [TestCase("4@%xmm0", "unknown register")]
    [TestCase("3@%eax", "size 3")]
    [TestCase("%eax", "no SIZE@")]
    [TestCase("8@foo(%rip)", "not a number")]
    [TestCase("8@8(%rax,%rdx,3)", "scale 3")]
    [TestCase("8@$abc", "not a number")]
    public void UnknownFormsAreRefusedNamingTheArgument(string text, string why) =>
        Assert.That(() => UsdtArguments.Parse("8@%rax " + text), Throws.TypeOf<FormatException>().With.Message.Contain("#1").And.Message.Contain(why));

    [Test]
    public void AtMostTwelveArguments()
    {
        Assert.That(UsdtArguments.Parse(string.Join(' ', Enumerable.Repeat("8@%rax", 12))), Has.Length.EqualTo(12));
        Assert.That(() => UsdtArguments.Parse(string.Join(' ', Enumerable.Repeat("8@%rax", 13))), Throws.TypeOf<FormatException>());
        Assert.That(UsdtArguments.Parse(string.Empty), Is.Empty);
    }

    [Test]
    public void SpecLayoutIsUsdtBpfH()
    {
        // The layout of the installed bpf/usdt.bpf.h, from the BTF of the test object that includes it.
        var types = CollectionSpec.Load(TestPrograms.Path("usdt")).Types!;
        var spec = (BtfStruct)types.FindTypes("__bpf_usdt_spec", BtfKind.Struct).Single();
        var argument = (BtfStruct)types.FindTypes("__bpf_usdt_arg_spec", BtfKind.Struct).Single();
        Assert.That(spec.Size, Is.EqualTo((uint)UsdtSpec.Size));
        Assert.That(argument.Size, Is.EqualTo((uint)UsdtSpec.ArgumentSize));
        Assert.That(Offset(spec, "usdt_cookie"), Is.EqualTo(UsdtSpec.CookieOffset));
        Assert.That(Offset(spec, "arg_cnt"), Is.EqualTo(UsdtSpec.CountOffset));
        Assert.That(Offset(argument, "val_off"), Is.Zero);
        Assert.That(Offset(argument, "arg_type"), Is.EqualTo(8));
        Assert.That(Offset(argument, "reg_off"), Is.EqualTo(12));
        Assert.That(Offset(argument, "arg_signed"), Is.EqualTo(14));
        Assert.That(Offset(argument, "arg_bitshift"), Is.EqualTo(15));

        static int Offset(BtfStruct type, string member) => (int)type.Members.Single(m => m.Name == member).BitOffset / 8;
    }

    [Test]
    public void SpecBytes()
    {
        var arguments = UsdtArguments.Parse("-4@-20(%rbp) 8@$71 -8@8(%rsi,%rdx,8)");
        var bytes = UsdtSpec.Encode(arguments, cookie: 0x1122334455667788);
        Assert.That(bytes, Has.Length.EqualTo(208));
        Assert.That(BitConverter.ToInt64(bytes, 0), Is.EqualTo(-20));
        Assert.That(BitConverter.ToUInt32(bytes, 8), Is.EqualTo((uint)UsdtArgumentKind.RegisterDereference));
        Assert.That(BitConverter.ToInt16(bytes, 12), Is.EqualTo(32), "reg_off of %rbp");
        Assert.That((bytes[14], bytes[15]), Is.EqualTo(((byte)1, (byte)32)), "signed, 64 - 32 bits");
        Assert.That(BitConverter.ToInt64(bytes, 16), Is.EqualTo(71));
        Assert.That((bytes[24], bytes[30], bytes[31]), Is.EqualTo(((byte)UsdtArgumentKind.Constant, (byte)0, (byte)0)));
        // libbpf 1.7's bitfields: arg_type:8, idx_reg_off:12 (%rdx = 96), scale_bitshift:4 (8 = 1 << 3).
        Assert.That(BitConverter.ToUInt32(bytes, 40), Is.EqualTo(3u | (96u << 8) | (3u << 20)));
        Assert.That(BitConverter.ToInt16(bytes, 44), Is.EqualTo(104), "reg_off of %rsi");
        Assert.That(BitConverter.ToUInt64(bytes, 192), Is.EqualTo(0x1122334455667788UL));
        Assert.That(BitConverter.ToInt16(bytes, 200), Is.EqualTo(3));
    }

    [Test]
    public void ProcessMappingsGiveTheAddressOfAFileOffset()
    {
        string[] maps =
        [
            "55d0c0000000-55d0c0001000 r--p 00000000 08:01 123 /tmp/app",
            "55d0c0001000-55d0c0002000 r-xp 00001000 08:01 123 /tmp/app",
            "7f0000000000-7f0000001000 r-xp 00000000 00:00 0 ",
        ];
        Assert.That(UsdtProcessMappings.AbsoluteAddress(maps, "/tmp/app", 0x1234), Is.EqualTo(0x55d0c0001234L));
        Assert.That(UsdtProcessMappings.AbsoluteAddress(maps, "/tmp/app", 0x234), Is.Null, "not in an executable mapping");
        Assert.That(UsdtProcessMappings.AbsoluteAddress(maps, "/tmp/other", 0x1234), Is.Null);
    }

    /// <summary>The stapsdt notes as <c>readelf -n</c> prints them.</summary>
    internal static List<(string, string, ulong, ulong, ulong, string)> ReadelfNotes(string binary)
    {
        string text = ExternalTool.Run("readelf", "-nW", binary);
        var notes = new List<(string, string, ulong, ulong, ulong, string)>();
        foreach (Match m in NoteRegex().Matches(text))
        {
            notes.Add((m.Groups["provider"].Value, m.Groups["name"].Value, Hex(m.Groups["loc"].Value), Hex(m.Groups["base"].Value), Hex(m.Groups["sema"].Value),
                m.Groups["args"].Value.Trim()));
        }

        return notes;

        static ulong Hex(string value) => ulong.Parse(value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"Provider: (?<provider>\S+)\s+Name: (?<name>\S+)\s+Location: 0x(?<loc>[0-9a-f]+), Base: 0x(?<base>[0-9a-f]+), Semaphore: 0x(?<sema>[0-9a-f]+)\s+Arguments:(?<args>[^\n]*)")]
    private static partial Regex NoteRegex();
}
