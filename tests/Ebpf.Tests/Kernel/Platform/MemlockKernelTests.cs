using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel.Platform;

/// <summary>
/// RLIMIT_MEMLOCK on a kernel that charges BPF objects against it (before Linux 5.11): the first map raises it, and a
/// refusal with the raise turned off names it. Skipped where the probe finds memory cgroup accounting instead.
/// </summary>
[Category("Kernel")]
[NonParallelizable]
public sealed class MemlockKernelTests
{
    private const uint BigMap = 4 << 20;

    private ResourceLimit _saved;
    private bool _lowered;

    [SetUp]
    public void LowerTheSoftLimit()
    {
        if (MemlockAccounting.Running.Charges() != true)
        {
            Assert.Ignore("RLIMIT_MEMLOCK accounting: this kernel charges BPF memory to the memory cgroup (Linux 5.11+), not RLIMIT_MEMLOCK");
        }

        var system = (ISystemCalls)LinuxBpfSyscalls.Instance;
        _saved = system.GetMemlockLimit();
        system.SetMemlockLimit(new ResourceLimit(64 << 10, _saved.Maximum));
        _lowered = true;
        MemlockAccounting.Running.Reset();
    }

    [TearDown]
    public void RestoreTheLimit()
    {
        MemlockLimit.RaiseAutomatically = true;
        if (_lowered)
        {
            _lowered = false;
            ((ISystemCalls)LinuxBpfSyscalls.Instance).SetMemlockLimit(_saved);
        }
    }

    [Test]
    public void TheFirstMapRaisesTheLimit()
    {
        using var map = KernelPrograms.CreateMap(LinuxBpfSyscalls.Instance, BpfMapType.Array, 4, 1024, BigMap / 1024, name: "memlock_big");
        Assert.That(MemlockAccounting.Running.ChargesMemlock, Is.True);
        Assert.That(((ISystemCalls)LinuxBpfSyscalls.Instance).GetMemlockLimit().Current, Is.EqualTo(ResourceLimit.Infinity));
    }

    [Test]
    public void WithTheRaiseTurnedOffTheRefusalNamesTheLimit()
    {
        MemlockLimit.RaiseAutomatically = false;
        var refused = Assert.Throws<EbpfPermissionException>(() =>
            KernelPrograms.CreateMap(LinuxBpfSyscalls.Instance, BpfMapType.Array, 4, 1024, BigMap / 1024, name: "memlock_big").Dispose());
        Assert.That(refused!.Message, Does.Contain("charges BPF maps and programs against RLIMIT_MEMLOCK (before Linux 5.11), which is 65536 bytes"));
    }
}
