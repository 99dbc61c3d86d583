using Ebpf.Kernel;

namespace Ebpf.Tests.Kernel;

/// <summary><see cref="Collection.Load"/> fills <c>__kconfig</c> externs as libbpf does, in a copy of the spec.</summary>
[Category("Kernel")]
public class CollectionKconfigKernelTests
{
    [Test]
    public void FillsTheKernelVersionOfTheRunningKernel()
    {
        var spec = Linking();
        using var collection = Collection.Load(spec);
        Assert.That(KernelVersionIn(collection, spec), Is.EqualTo(KernelConfig.Load().KernelVersion));
        Assert.That(spec.Variables["LINUX_KERNEL_VERSION"].Get<uint>(), Is.Zero, "the spec is left alone");
    }

    [Test]
    public void UsesTheConfigurationOfTheOptions()
    {
        var spec = Linking();
        var config = new KernelConfig(new Dictionary<string, string> { ["CONFIG_HZ"] = "300" }, 0x050a00);
        using var collection = Collection.Load(spec, new CollectionLoadOptions { KernelConfig = config });
        Assert.That(KernelVersionIn(collection, spec), Is.EqualTo(0x050a00));
    }

    [Test]
    public void AWeakExternTheKernelLacksLoadsAsZero()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("kconfig_weak"));
        using var collection = Collection.Load(spec);
        var value = new byte[spec.Maps[".kconfig"].ValueSize];
        Assert.That(collection.Maps[".kconfig"].TryLookup(new byte[4], value), Is.True);
        Assert.That(BitConverter.ToInt32(value, spec.Variables["CONFIG_EBPF_DOTNET_NO_SUCH_WEAK_OPTION"].Offset), Is.Zero);
    }

    [Test]
    public void AStrongExternTheKernelLacksIsRefusedAsByLibbpf()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("kconfig_strong_noload"));
        var e = Assert.Throws<EbpfException>(() => Collection.Load(spec));
        Assert.That(e!.Message, Does.StartWith("extern 'CONFIG_EBPF_DOTNET_NO_SUCH_OPTION' (kconfig): "));
    }

    /// <summary>
    /// linking.bpf.c with only its two XDP programs, which read the kconfig externs: the others need newer kernels
    /// than these tests (bpf_loop 5.17, XDP frags 5.18, sleepable uprobes).
    /// </summary>
    private static CollectionSpec Linking()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("linking"));
        foreach (string name in spec.Programs.Keys.Where(n => n is not ("xdp_first" or "xdp_second")).ToList())
        {
            spec.Programs[name] = spec.Programs[name] with { Autoload = false };
        }

        return spec;
    }

    private static uint KernelVersionIn(Collection collection, CollectionSpec spec)
    {
        var map = collection.Maps[".kconfig"];
        var value = new byte[spec.Maps[".kconfig"].ValueSize];
        Assert.That(map.TryLookup(new byte[4], value), Is.True);
        return BitConverter.ToUInt32(value, spec.Variables["LINUX_KERNEL_VERSION"].Offset);
    }
}
