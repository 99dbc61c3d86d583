using System.Diagnostics;
using Ebpf.Kernel;
using Ebpf.Links;

namespace Ebpf.Tests.Links;

/// <summary>
/// USDT probes on the running kernel: tests/bpf/usdt.bpf.c reads every argument of tests/native/usdt_target.c's
/// probes with libbpf's usdt.bpf.h and must see the values the binary passed; Debian's python3.11 counts Python
/// function calls through its <c>function__entry</c> probe attached from the program's section.
/// </summary>
[Category("Kernel")]
[Category("Link")]
public sealed class UsdtLinkTests
{
    private const int Enoent = 2;
    private const int Einval = 22;

    private Collection _collection = null!;

    [SetUp]
    public void SetUp()
    {
        KernelRefusal.Require("USDT probes", Features.Default.HaveUsdt);
        _collection = KernelRefusal.Run("USDT program", () => Collection.Load(CollectionSpec.Load(TestPrograms.Path("usdt"))));
    }

    [TearDown]
    public void TearDown() => _collection.Dispose();

    private Program RecordArgs => _collection.Programs["record_args"];

    /// <summary>
    /// Attaches record_args; the test binary is a PIE, which in every process needs BPF cookies (5.15): older kernels
    /// skip with the SDK's <see cref="EbpfNotSupportedException"/>.
    /// </summary>
    private UsdtLink Attach(string binary, string provider, string name, UsdtOptions? options = null) =>
        KernelRefusal.Run("USDT", () => RecordArgs.AttachUsdt(binary, provider, name, options));

    [Test]
    public void EveryArgumentFormReadsWhatTheBinaryPassed()
    {
        string binary = UsdtTargetBinary.Path;
        using var forms = Attach(binary, "ebpf_test", "forms", new UsdtOptions { Cookie = 0 });
        using var widths = Attach(binary, "ebpf_test", "widths", new UsdtOptions { Cookie = 1 });
        using var indexed = Attach(binary, "ebpf_test", "indexed", new UsdtOptions { Cookie = 2 });
        ExternalTool.Run(binary, "3");

        // The last firing has n = 3: forms(n, 5, 3n, -7n, -1, 10n, -n), widths((signed char)-n, (ushort)(60000 + n), -100000n, 0x123456789abc n).
        var record = Record(0);
        Assert.That((record.Hits, record.Count), Is.EqualTo((3L, 7L)));
        Assert.That(record.Values[..7], Is.EqualTo(new long[] { 3, 5, 9, -21, -1, 30, -3 }));
        Assert.That(record.Errors[..7], Is.All.Zero);
        Assert.That(record.Errors[7..], Is.All.EqualTo(-Enoent), "past arg_cnt");

        record = Record(1);
        Assert.That((record.Hits, record.Count), Is.EqualTo((3L, 4L)));
        Assert.That(record.Values[..4], Is.EqualTo(new long[] { -3, 60003, -300000, 0x123456789abc * 3 }));
        Assert.That(record.Errors[..4], Is.All.Zero);

        // indexed(values[n & 3], n & 3) with the first argument as base + index * 8 + 8: libbpf 1.1's usdt.bpf.h has no
        // BPF_USDT_ARG_SIB and answers -EINVAL for it (libbpf 1.7's reads 44); the register argument reads 3.
        record = Record(2);
        Assert.That((record.Hits, record.Count), Is.EqualTo((3L, 2L)));
        Assert.That(record.Errors[0], Is.EqualTo(UsdtBpfHasScaledIndex ? 0 : -Einval));
        Assert.That(record.Values[0], Is.EqualTo(UsdtBpfHasScaledIndex ? 44 : 0));
        Assert.That((record.Errors[1], record.Values[1]), Is.EqualTo((0L, 3L)));

        Assert.That(forms.Uprobes, Has.Count.EqualTo(1));
        // Info().Cookie is null where the kernel's link info does not report perf event links' cookies (it did from 6.6).
        Assert.That(forms.Uprobes[0].Info().Cookie ?? (ulong)forms.SpecIds[0], Is.EqualTo((ulong)forms.SpecIds[0]), "the BPF cookie is the spec id");
        Assert.That(new[] { forms.SpecIds[0], widths.SpecIds[0], indexed.SpecIds[0] }, Is.Unique);
    }

    [Test]
    public void SemaphoreIsRaisedWhileAttached()
    {
        string binary = UsdtTargetBinary.Path;
        Assert.That(ExternalTool.Run(binary, "2").Trim(), Is.EqualTo("0"));
        using (var guarded = Attach(binary, "ebpf_test", "guarded", new UsdtOptions { Cookie = 3 }))
        {
            Assert.That(ExternalTool.Run(binary, "2").Trim(), Is.EqualTo("1"), "the kernel raised ebpf_test_guarded_semaphore");
            var record = Record(3);
            Assert.That((record.Hits, record.Count, record.Values[0]), Is.EqualTo((2L, 1L, 2L)));
        }

        Assert.That(ExternalTool.Run(binary, "2").Trim(), Is.EqualTo("0"), "detached");
        Assert.That(Record(3).Hits, Is.EqualTo(2));
    }

    [Test]
    public void DisposeDetachesAndGivesBackTheSpecIds()
    {
        string binary = UsdtTargetBinary.Path;
        int id;
        using (var link = Attach(binary, "ebpf_test", "forms"))
        {
            id = link.SpecIds.Single();
        }

        ExternalTool.Run(binary, "2");
        Assert.That(Record(0).Hits, Is.Zero);
        using var again = Attach(binary, "ebpf_test", "widths");
        Assert.That(again.SpecIds.Single(), Is.EqualTo(id), "the freed id is reused");
    }

    [Test]
    public void ProcessFilterLeavesOtherProcessesOut()
    {
        // Without BPF cookies the filtered process must map the PIE (its addresses key the ip-to-spec-id map); this one does not.
        KernelRefusal.Require("BPF cookie", Features.Default.HaveBpfCookie);
        using var link = Attach(UsdtTargetBinary.Path, "ebpf_test", "forms", new UsdtOptions { Pid = Environment.ProcessId });
        ExternalTool.Run(UsdtTargetBinary.Path, "2");
        Assert.That(Record(0).Hits, Is.Zero);
    }

    [Test]
    public void WithoutCookiesAddressesMapToSpecIds()
    {
        // As on kernels before 5.15: the spec id comes from __bpf_usdt_ip_to_spec_id, keyed by the address in the
        // process (a PIE executable: where this process mapped it). The BPF side here still reads the cookie (this
        // kernel has them), so only the map is checked, against /proc/PID/maps.
        var info = new ProcessStartInfo(UsdtTargetBinary.Path, ["1", "wait"]) { RedirectStandardInput = true, RedirectStandardOutput = true };
        using var process = Process.Start(info)!;
        Assert.That(process.StandardOutput.ReadLine(), Is.EqualTo("ready"));
        var probe = UsdtProbe.Read(UsdtTargetBinary.Path).Single(p => p.Name == "forms");
        long expected = UsdtProcessMappings.AbsoluteAddress(process.Id, UsdtTargetBinary.Path, probe.FileOffset!.Value);
        using (var link = Usdt.Attach(RecordArgs.FileDescriptor, RecordArgs.Name, RecordArgs.Info().MapIds, UsdtTargetBinary.Path, "ebpf_test", "forms",
            new UsdtOptions { Pid = process.Id }, haveCookie: false, TestProgramLoader.Sys))
        {
            Assert.That(PerfEventLinkInfo.Read(link.Uprobes[0])?.Cookie ?? 0, Is.Zero, "no cookie without cookie support (null where link info does not report it)");
            Span<byte> value = stackalloc byte[4];
            Assert.That(IpMap.TryLookup(BitConverter.GetBytes(expected), value), Is.True);
            Assert.That(BitConverter.ToInt32(value), Is.EqualTo(link.SpecIds[0]));
            Assert.That(() => Usdt.Attach(RecordArgs.FileDescriptor, RecordArgs.Name, RecordArgs.Info().MapIds, UsdtTargetBinary.Path, "ebpf_test",
                "forms", new UsdtOptions { Pid = -1 }, haveCookie: false, TestProgramLoader.Sys), Throws.TypeOf<EbpfNotSupportedException>(),
                "a PIE in every process needs cookies");
            process.StandardInput.WriteLine();
            process.WaitForExit();
        }

        Assert.That(IpMap.TryLookup(BitConverter.GetBytes(expected), stackalloc byte[4]), Is.False, "removed on dispose");
    }

    [Test]
    public void UnknownProbeNamesTheBinary() =>
        Assert.That(() => RecordArgs.AttachUsdt(UsdtTargetBinary.Path, "ebpf_test", "nope"),
            Throws.ArgumentException.With.Message.Contain("no USDT probe ebpf_test:nope"));

    [Test]
    public void PythonFunctionCallsAreCountedFromTheSection()
    {
        const string python = "/usr/bin/python3.11";
        using var link = (UsdtLink)_collection.Programs["count_python_calls"].Attach();
        Assert.That(link.Uprobes, Is.Not.Empty);
        // Python 3.11's interpreter fires function__entry only on its tracing path (ceval.c DO_TRACING, and
        // generator.throw()): a profile function, even one that does nothing, puts every call on it.
        ExternalTool.Run(python, "-c", "import sys\nsys.setprofile(lambda *a: None)\ndef ebpf_usdt_target(i): return i\nfor i in range(7): ebpf_usdt_target(i)");
        Span<byte> value = stackalloc byte[8];
        _collection.Maps["python_calls"].Lookup(BitConverter.GetBytes(0u), value);
        Assert.That(BitConverter.ToUInt64(value), Is.EqualTo(7UL), "function__entry fired for each call of ebpf_usdt_target, read through its arguments");
    }

    /// <summary>Whether the usdt.bpf.h the test object was built with reads base + index × scale arguments (libbpf 1.7+).</summary>
    private bool UsdtBpfHasScaledIndex =>
        CollectionSpec.Load(TestPrograms.Path("usdt")).Types!.FindTypes("__bpf_usdt_arg_spec").OfType<Ebpf.Btf.BtfStruct>().Single()
            .Members.Any(m => m.Name == "idx_reg_off");

    private Map IpMap => _collection.Maps[Usdt.IpToSpecIdMapName];

    /// <summary><c>struct usdt_record</c> of slot <paramref name="slot"/>.</summary>
    private (long Hits, long Count, long[] Values, long[] Errors) Record(uint slot)
    {
        var value = new byte[8 * (2 + 12 + 12)];
        _collection.Maps["records"].Lookup(BitConverter.GetBytes(slot), value);
        var longs = new long[value.Length / 8];
        Buffer.BlockCopy(value, 0, longs, 0, value.Length);
        return (longs[0], longs[1], longs[2..14], longs[14..26]);
    }
}
