using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Moq;

namespace Ebpf.Tests.Kernel.Platform;

/// <summary>The raise of RLIMIT_MEMLOCK before the first BPF object, over a fabricated probe and mocked rlimit calls.</summary>
public sealed class MemlockAccountingTests
{
    private static readonly ResourceLimit Unlimited = new(ResourceLimit.Infinity, ResourceLimit.Infinity);

    [Test]
    public void AKernelThatChargesTheLimitGetsItRaisedOnce()
    {
        int probes = 0;
        var (system, set) = System(new ResourceLimit(64 << 10, 64 << 10));
        var accounting = new MemlockAccounting(() => { probes++; return Errno.EINVAL; }, system.Object);
        accounting.RaiseOnce();
        accounting.RaiseOnce();
        Assert.That(accounting.ChargesMemlock, Is.True);
        Assert.That(probes, Is.EqualTo(1));
        Assert.That(set, Is.EqualTo(new[] { Unlimited }));
        Assert.That(accounting.RaiseFailed, Is.False);
    }

    [Test]
    public void AKernelWithMemoryCgroupAccountingKeepsTheLimit()
    {
        var (system, set) = System(new ResourceLimit(64 << 10, 64 << 10));
        var accounting = new MemlockAccounting(() => Errno.None, system.Object);
        accounting.RaiseOnce();
        Assert.That(accounting.ChargesMemlock, Is.False);
        Assert.That(set, Is.Empty);
        system.Verify(s => s.GetMemlockLimit(), Times.Never);
    }

    [Test]
    public void WithoutCapSysResourceTheSoftLimitRisesToTheHardOne()
    {
        var (system, set) = System(new ResourceLimit(64 << 10, 8 << 20), refuseUnlimited: true);
        var accounting = new MemlockAccounting(() => Errno.EINVAL, system.Object);
        accounting.RaiseOnce();
        Assert.That(set, Is.EqualTo(new[] { Unlimited, new ResourceLimit(8 << 20, 8 << 20) }), "tried unlimited, then the hard limit");
        Assert.That(accounting.RaiseFailed, Is.True);
    }

    [Test]
    public void AnUnknownAnswerRaisesAsLibbpfDoesAndAnUnlimitedLimitIsLeft()
    {
        var (system, set) = System(Unlimited);
        var accounting = new MemlockAccounting(() => Errno.EPERM, system.Object);
        accounting.RaiseOnce();
        Assert.That(accounting.ChargesMemlock, Is.Null);
        Assert.That(set, Is.Empty, "already unlimited");
    }

    [Test]
    public void TurnedOffNothingIsProbedOrRaised()
    {
        var (system, set) = System(new ResourceLimit(64 << 10, 64 << 10));
        int probes = 0;
        var accounting = new MemlockAccounting(() => { probes++; return Errno.EINVAL; }, system.Object);
        MemlockLimit.RaiseAutomatically = false;
        try
        {
            accounting.RaiseOnce();
        }
        finally
        {
            MemlockLimit.RaiseAutomatically = true;
        }

        Assert.That(probes, Is.Zero);
        Assert.That(set, Is.Empty);
        Assert.That(accounting.Charges(), Is.True, "Charges probes without raising");
        Assert.That(set, Is.Empty);
    }

    private static (Mock<ISystemCalls> System, List<ResourceLimit> Set) System(ResourceLimit current, bool refuseUnlimited = false)
    {
        var system = new Mock<ISystemCalls>(MockBehavior.Strict);
        var set = new List<ResourceLimit>();
        system.Setup(s => s.GetMemlockLimit()).Returns(current);
        system.Setup(s => s.SetMemlockLimit(It.Ref<ResourceLimit>.IsAny)).Callback(new SetMemlockCallback((in ResourceLimit l) =>
        {
            set.Add(l);
            if (refuseUnlimited && l.Maximum == ResourceLimit.Infinity)
            {
                throw new EbpfPermissionException("setrlimit(RLIMIT_MEMLOCK)", Errno.EPERM, "raising the hard limit needs CAP_SYS_RESOURCE");
            }
        }));
        return (system, set);
    }
}
