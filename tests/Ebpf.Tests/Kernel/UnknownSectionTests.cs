using Ebpf.Kernel;
using Moq;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel;

/// <summary>
/// Programs in ELF sections libbpf 1.x does not recognize (tests/bpf/unknown_sections_noload.bpf.c): the reader keeps
/// them, without a type, as libbpf's <c>bpf_object__open</c> does; loading one fails before any system call, naming
/// the program and its section, as libbpf's load fails ("missing BPF prog type, check ELF section name").
/// </summary>
[TestFixture]
public sealed class UnknownSectionTests
{
    private static readonly (string Program, string Section, string Suggestion)[] Unknown =
    [
        ("unknown_socket", "socket1", "use 'socket'"),
        ("unknown_classifier", "classifier/x", "use 'classifier'"),
        ("unknown_xdp", "xdp/lo", "use 'xdp'"),
        ("unknown_perf_event", "perf_event/type=1", "use 'perf_event'"),
    ];

    private static CollectionSpec Spec() => CollectionSpec.Load(TestPrograms.Path("unknown_sections_noload"));

    private static IEnumerable<TestCaseData> UnknownCases() =>
        Unknown.Select(u => new TestCaseData(u.Program, u.Section, u.Suggestion).SetArgDisplayNames(u.Section));

    [Test]
    public void TheReaderKeepsThemWithoutAType()
    {
        var spec = Spec();
        Assert.Multiple(() =>
        {
            foreach (var (program, section, _) in Unknown)
            {
                var p = spec.Programs[program];
                Assert.That((p.SectionName, p.Type, p.AttachType, p.Autoload), Is.EqualTo((section, BpfProgramType.Unspec, (BpfAttachType?)null, true)), program);
            }

            var notAutoloaded = spec.Programs["unknown_not_autoloaded"];
            Assert.That((notAutoloaded.SectionName, notAutoloaded.Type, notAutoloaded.Autoload), Is.EqualTo(("socket2", BpfProgramType.Unspec, false)));
            Assert.That(spec.Programs["known_socket"].Type, Is.EqualTo(BpfProgramType.SocketFilter));
        });
    }

    [TestCaseSource(nameof(UnknownCases))]
    public void ProgramLoadFailsBeforeAnySystemCall(string program, string section, string suggestion)
    {
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        var e = Assert.Throws<EbpfException>(() => Program.Load(Spec().Programs[program], syscalls: sys.Object))!;
        Assert.Multiple(() =>
        {
            Assert.That(e.Message, Does.StartWith($"program '{program}' ({section}): unrecognized ELF section name '{section}'"));
            Assert.That(e.Message, Does.Contain($"libbpf 1.x does not accept the name either; {suggestion})"));
            Assert.That(e.Message, Does.Contain("set ProgramSpec.Type"));
            Assert.That(e.Errno, Is.EqualTo(Errno.None));
        });
        sys.VerifyNoOtherCalls();
    }

    [TestCaseSource(nameof(UnknownCases))]
    public void CollectionLoadFailsBeforeAnySystemCall(string program, string section, string suggestion)
    {
        // Only this program and a known one: the collection fails for the unknown one before creating anything.
        var full = Spec();
        var spec = new CollectionSpec { ByteOrder = full.ByteOrder, Types = full.Types };
        spec.Programs["known_socket"] = full.Programs["known_socket"];
        spec.Programs[program] = full.Programs[program];
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);

        var e = Assert.Throws<EbpfException>(() => Collection.Load(spec, syscalls: sys.Object))!;
        Assert.That(e.Message, Does.StartWith($"program '{program}' ({section}): unrecognized ELF section name '{section}'").And.Contain(suggestion));
        sys.VerifyNoOtherCalls();
    }

    [Test]
    public void ANotAutoloadedProgramOfUnknownSectionIsOnlyRefusedWhenAskedFor()
    {
        var full = Spec();
        var spec = new CollectionSpec { ByteOrder = full.ByteOrder, Types = full.Types };
        spec.Programs["unknown_not_autoloaded"] = full.Programs["unknown_not_autoloaded"];
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);

        var e = Assert.Throws<EbpfException>(() => Collection.Load(spec, new CollectionLoadOptions { LoadPrograms = ["unknown_not_autoloaded"] }, sys.Object))!;
        Assert.That(e.Message, Does.StartWith("program 'unknown_not_autoloaded' (socket2): unrecognized ELF section name 'socket2'"));
        Assert.That(e.Message, Does.Contain("use 'socket'"));
        sys.VerifyNoOtherCalls();
    }

    [Test]
    [Category("Kernel")]
    public void ATypeSetByHandLoads()
    {
        var spec = Spec().Programs["unknown_socket"] with { Type = BpfProgramType.SocketFilter };
        using var program = Program.Load(spec);
        Assert.That(program.TestRun(new byte[64]).ReturnValue, Is.Zero);
    }

    [Test]
    public void AHandBuiltProgramWithoutTypeIsRefusedToo()
    {
        var spec = new ProgramSpec { Name = "untyped", Type = BpfProgramType.Unspec, Instructions = Spec().Programs["known_socket"].Instructions };
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        var e = Assert.Throws<EbpfException>(() => Program.Load(spec, syscalls: sys.Object))!;
        Assert.That(e.Message, Is.EqualTo("program 'untyped': no program type (BpfProgramType.Unspec): set ProgramSpec.Type"));
    }

    [Test]
    [Category("Kernel")]
    public void KnownNamesStillLoadWithTheirType()
    {
        using var program = Program.Load(Spec().Programs["known_socket"]);
        Assert.That(program.Info().Type, Is.EqualTo(BpfProgramType.SocketFilter));
    }

    [TestCase("socket1", "socket")]
    [TestCase("?socket1", "socket")]
    [TestCase("xdp/lo", "xdp")]
    [TestCase("xdp_foo", "xdp")]
    [TestCase("xdp.frags/foo", "xdp.frags")]
    [TestCase("classifier/x", "classifier")]
    [TestCase("perf_event/type=1", "perf_event")]
    [TestCase("kprobe.foo", "kprobe+")]
    [TestCase("tcx", "tc")]
    [TestCase("sk_skb/foo", "sk_skb")]
    [TestCase("cgroup/sock_foo", "cgroup/sock")]
    public void ClosestIsTheLongestKnownNameTheSectionStartsWith(string section, string pattern)
    {
        Assert.That(ProgramSections.Match(section), Is.Null, "the name is unknown");
        Assert.That(ProgramSections.Closest(section)?.Pattern, Is.EqualTo(pattern));
    }

    [TestCase("")]
    [TestCase(".text")]
    [TestCase("foo")]
    [TestCase("cgroup")]
    public void ClosestIsNullWithoutAKnownStart(string section) => Assert.That(ProgramSections.Closest(section), Is.Null);

    [Test]
    public void ATargetPatternIsSuggestedWithItsTarget()
    {
        var spec = new ProgramSpec { Name = "p", Type = BpfProgramType.Unspec, SectionName = "kprobe.foo", Instructions = Spec().Programs["known_socket"].Instructions };
        var e = Assert.Throws<EbpfException>(() => Program.Load(spec, syscalls: new Mock<IBpfSyscalls>(MockBehavior.Strict).Object))!;
        Assert.That(e.Message, Does.Contain("use 'kprobe' or 'kprobe/TARGET'"));
    }
}
