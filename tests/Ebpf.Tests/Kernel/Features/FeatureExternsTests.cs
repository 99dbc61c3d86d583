using Ebpf.Kernel;
using Moq;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel;

/// <summary>tests/bpf/kconfig_features.bpf.c: <c>LINUX_HAS_BPF_COOKIE</c> and <c>LINUX_HAS_SYSCALL_WRAPPER</c> from feature probes.</summary>
[TestFixture]
public sealed class FeatureExternsTests
{
    [Test]
    public void TheSpecListsAndSetsItsFeatureExterns()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("kconfig_features"));
        Assert.That(KernelConfig.FeatureExterns(spec), Is.EquivalentTo(new[] { "LINUX_HAS_BPF_COOKIE", "LINUX_HAS_SYSCALL_WRAPPER" }));
        KernelConfig.SetFeatureExtern(spec, KernelConfig.HasBpfCookieExtern, true);
        KernelConfig.SetFeatureExtern(spec, KernelConfig.HasSyscallWrapperExtern, true);
        Assert.That((spec.Variables["LINUX_HAS_BPF_COOKIE"].Get<byte>(), spec.Variables["LINUX_HAS_SYSCALL_WRAPPER"].Get<int>()), Is.EqualTo(((byte)1, 1)));

        // A kernel config leaves them to the probes: not missing, not overwritten.
        var missing = new KernelConfig(new Dictionary<string, string> { ["CONFIG_HZ"] = "250" }, 0x061200).Apply(spec);
        Assert.That(missing, Is.Empty);
        Assert.That(spec.Variables["LINUX_HAS_SYSCALL_WRAPPER"].Get<int>(), Is.EqualTo(1));
        Assert.Throws<ArgumentException>(() => KernelConfig.SetFeatureExtern(spec, "CONFIG_NOPE", true));
    }

    [Test]
    public void TheSyscallWrapperProbeLooksForTheArchWrapperOfBpf()
    {
        string kallsyms = Path.GetTempFileName();
        try
        {
            var syscalls = new Mock<IBpfSyscalls>(MockBehavior.Strict).Object;
            File.WriteAllText(kallsyms, $"ffffffff81000000 T _stext\nffffffff81200000 T {Features.SyscallWrapperPrefix}sys_bpf\n");
            Assert.DoesNotThrow(() => new Features(syscalls) { KernelSymbolsPath = kallsyms }.HaveSyscallWrapper());
            File.WriteAllText(kallsyms, "ffffffff81000000 T _stext\nffffffff81200000 T sys_bpf\n");
            var e = Assert.Throws<EbpfNotSupportedException>(() => new Features(syscalls) { KernelSymbolsPath = kallsyms }.HaveSyscallWrapper());
            Assert.That(e!.Message, Does.Contain("sys_bpf"));
        }
        finally
        {
            File.Delete(kallsyms);
        }
    }

    [Test]
    [Category("Kernel")]
    public void CollectionLoadWritesWhatTheProbesFind()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("kconfig_features"));
        byte[] before = spec.Maps[".kconfig"].Contents[0].Value.ToArray();
        bool cookie = Features.IsSupported(Features.Default.HaveBpfCookie);
        bool wrapper = Features.IsSupported(Features.Default.HaveSyscallWrapper);
        Assert.That(wrapper, Is.EqualTo(File.ReadLines("/proc/kallsyms").Any(l => l.EndsWith(" " + Features.SyscallWrapperPrefix + "sys_bpf", StringComparison.Ordinal))));

        using var collection = Collection.Load(spec);
        Assert.That(collection.Programs["read_features"].TestRun(new byte[64]).ReturnValue, Is.EqualTo(2u));
        var data = new byte[16];
        collection.Maps[".data"].Lookup(new byte[4], data);
        Assert.That((BitConverter.ToUInt64(data, 0), BitConverter.ToUInt64(data, 8)), Is.EqualTo((cookie ? 1UL : 0UL, wrapper ? 1UL : 0UL)));
        Assert.That(spec.Maps[".kconfig"].Contents[0].Value.ToArray(), Is.EqualTo(before), "the spec is left alone");
    }
}
