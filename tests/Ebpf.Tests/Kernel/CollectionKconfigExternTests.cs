using Ebpf.Kernel;
using Moq;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel;

/// <summary>
/// <see cref="Collection.Load"/> refuses, as libbpf does, a strong <c>__kconfig</c> extern the kernel's config lacks
/// (tests/bpf/kconfig_strong_noload.bpf.c), before asking the kernel for anything; weak ones stay zero.
/// </summary>
public class CollectionKconfigExternTests
{
    private const string Strong = "CONFIG_EBPF_DOTNET_NO_SUCH_OPTION";
    private const string Weak = "CONFIG_EBPF_DOTNET_NO_SUCH_WEAK_OPTION";

    [Test]
    public void TheSpecKnowsWhichExternsAreWeak()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("kconfig_strong_noload"));
        Assert.That(spec.Variables[Strong].IsWeak, Is.False);
        Assert.That(spec.Variables[Weak].IsWeak, Is.True);
        Assert.That(spec.Copy().Variables[Weak].IsWeak, Is.True, "a copy keeps the linkage");
    }

    [Test]
    public void AStrongExternMissingFromTheConfigFailsBeforeAnythingIsCreated()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("kconfig_strong_noload"));
        var sys = new Mock<IBpfSyscalls>(MockBehavior.Strict);
        var options = new CollectionLoadOptions { KernelConfig = new KernelConfig(new Dictionary<string, string> { ["CONFIG_HZ"] = "250" }, 0x061200) };

        var e = Assert.Throws<EbpfException>(() => Collection.Load(spec, options, sys.Object));

        Assert.That(e!.Message, Is.EqualTo($"extern '{Strong}' (kconfig): not in the running kernel's config and not declared __weak"));
        sys.VerifyNoOtherCalls();
    }

    [Test]
    public void AStrongExternFailsWhenNoConfigCouldBeRead()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("kconfig_strong_noload"));
        var missing = new KernelConfig(new Dictionary<string, string>(), 0x061200).Apply(spec.Copy());

        var e = Assert.Throws<EbpfException>(() => CollectionLoader.CheckKconfigExterns(spec, missing, configRead: false));

        Assert.That(e!.Message, Is.EqualTo($"extern '{Strong}' (kconfig): the running kernel's config could not be read (neither /proc/config.gz nor /boot/config-<release>) and not declared __weak"));
    }

    [Test]
    public void WeakExternsMissingFromTheConfigAreAccepted()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("kconfig_weak"));
        var missing = new KernelConfig(new Dictionary<string, string>(), 0x061200).Apply(spec);

        Assert.That(missing, Is.EqualTo(new[] { Weak }));
        Assert.DoesNotThrow(() => CollectionLoader.CheckKconfigExterns(spec, missing, configRead: false));
        Assert.That(spec.Variables[Weak].Get<int>(), Is.Zero);
    }
}
