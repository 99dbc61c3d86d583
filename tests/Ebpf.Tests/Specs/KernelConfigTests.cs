namespace Ebpf.Tests.Specs;

/// <summary>Filling <c>__kconfig</c> externs (tests/bpf/linking.bpf.c) from a kernel config.</summary>
[TestFixture]
public sealed class KernelConfigTests
{
    private const string Sample = """
        #
        # Automatically generated file; DO NOT EDIT.
        CONFIG_HZ=250
        CONFIG_BPF_SYSCALL=y
        CONFIG_BPF_LSM=m
        CONFIG_LOCALVERSION="-a-rather-long-suffix"
        CONFIG_NR_CPUS=0x40
        # CONFIG_UNUSED is not set
        """;

    [TestCase(false)]
    [TestCase(true)]
    public void ExternsGetTheirValuesByType(bool bigEndian)
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("linking", bigEndian));
        var config = KernelConfig.Parse(new StringReader(Sample), KernelConfig.ParseKernelVersion("6.18.3-test"));
        Assert.That(config.Apply(spec), Is.Empty);
        Assert.That(spec.Variables["LINUX_KERNEL_VERSION"].Get<uint>(), Is.EqualTo(0x061203u));
        Assert.That(spec.Variables["CONFIG_HZ"].Get<int>(), Is.EqualTo(250));
        Assert.That(spec.Variables["CONFIG_BPF_SYSCALL"].Get<byte>(), Is.EqualTo(1));
        Assert.That(spec.Variables["CONFIG_BPF_LSM"].Get<int>(), Is.EqualTo(2), "TRI_MODULE");
        Assert.That(spec.Variables["CONFIG_NR_CPUS"].Get<ulong>(), Is.EqualTo(64UL));
        Assert.That(spec.Variables["CONFIG_LOCALVERSION"].Bytes.ToArray(), Is.EqualTo("-a-rather-long-\0"u8.ToArray()), "truncated with its NUL");
        var kconfig = spec.Maps[".kconfig"].Contents[0].Value.ToArray();
        Assert.That(kconfig.AsSpan(12, 4).ToArray(), Is.EqualTo(spec.Variables["CONFIG_HZ"].Bytes.ToArray()), "written into the map's value");
    }

    [Test]
    public void UnknownOptionsAndMismatchedValuesAreReported()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("linking"));
        var values = new Dictionary<string, string> { ["CONFIG_HZ"] = "\"text\"", ["CONFIG_BPF_SYSCALL"] = "m", ["CONFIG_BPF_LSM"] = "n" };
        spec.Variables["CONFIG_HZ"].Set(99);
        var missing = new KernelConfig(values, 0x050400).Apply(spec);
        Assert.That(missing, Is.EquivalentTo(new[] { "CONFIG_HZ", "CONFIG_BPF_SYSCALL", "CONFIG_LOCALVERSION", "CONFIG_NR_CPUS" }));
        Assert.That(spec.Variables["CONFIG_HZ"].Get<int>(), Is.Zero, "zeroed like a weak extern");
        Assert.That(spec.Variables["CONFIG_BPF_LSM"].Get<int>(), Is.Zero);
        Assert.That(spec.Variables["LINUX_KERNEL_VERSION"].Get<uint>(), Is.EqualTo(0x050400u));
    }

    [TestCase("6.18.0", 0x061200u)]
    [TestCase("5.4.300-generic", 0x0504ffu)]
    [TestCase("6.1", 0x060100u)]
    [TestCase("4.19.0-27-amd64", 0x041300u)]
    public void ReleasesBecomeVersionCodes(string release, uint expected) =>
        Assert.That(KernelConfig.ParseKernelVersion(release), Is.EqualTo(expected));

    [Test]
    public void BadReleasesThrow() => Assert.Throws<FormatException>(() => KernelConfig.ParseKernelVersion("linux"));

    [Test]
    public void TheRunningKernelsConfigIsRead()
    {
        string release = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        if (!File.Exists("/proc/config.gz") && !File.Exists($"/boot/config-{release}"))
        {
            Assert.Ignore("kernel config: neither /proc/config.gz nor /boot/config-<release> exists");
        }

        var config = KernelConfig.Load();
        Assert.That(config.Values["CONFIG_BPF"], Is.EqualTo("y"));
        Assert.That(config.KernelVersion >> 8, Is.EqualTo(KernelConfig.ParseKernelVersion(release) >> 8));
    }
}
