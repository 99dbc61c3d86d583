using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel.Readers;

[Category("Kernel")]
public sealed class UserRingBufferKernelTests
{
    private static readonly IBpfSyscalls Sys = LinuxBpfSyscalls.Instance;

    [Test]
    public void SubmittedSamplesAreDrainedAndDiscardedOnesSkipped()
    {
        using var map = KernelPrograms.CreateMap(Sys, BpfMapType.UserRingbuf, 0, 0, 16 * 1024);
        using var ring = new UserRingBuffer(map);
        using var drainer = new UserRingBufferDrainer(Sys, map);
        ulong sequenceSum = 0, markerSum = 0, count = 0;
        for (uint i = 0; i < 20; i++)
        {
            int size = 16 + (int)(i * 53 % 400);
            Assert.That(ring.TryReserve(size, out var reservation), Is.True);
            Assert.That(reservation.Length, Is.EqualTo(size));
            UserRingBufferDrainer.Fill(reservation.Data, i, 1000 + i);
            if (i % 4 == 3)
            {
                ring.Discard(reservation);
            }
            else
            {
                ring.Submit(reservation);
                count++;
                sequenceSum += i;
                markerSum += 1000 + i;
            }
        }

        var result = drainer.Drain();
        Assert.That(result, Is.EqualTo(new UserRingBufferDrainer.Result((long)count, count, sequenceSum, markerSum, 0)));
        Assert.That(ring.FreeBytes, Is.EqualTo(ring.Size));
    }

    [Test]
    public void DrainStopsAtABusyReservation()
    {
        using var map = KernelPrograms.CreateMap(Sys, BpfMapType.UserRingbuf, 0, 0, 4096);
        using var ring = new UserRingBuffer(map);
        using var drainer = new UserRingBufferDrainer(Sys, map);
        var sample = new byte[32];
        UserRingBufferDrainer.Fill(sample, 1, 11);
        Assert.That(ring.TryWrite(sample), Is.True);
        Assert.That(ring.TryReserve(32, out var open), Is.True);
        UserRingBufferDrainer.Fill(open.Data, 2, 22);
        UserRingBufferDrainer.Fill(sample, 3, 33);
        Assert.That(ring.TryWrite(sample), Is.True);

        Assert.That(drainer.Drain(), Is.EqualTo(new UserRingBufferDrainer.Result(1, 1, 1, 11, 0)));
        ring.Submit(open);
        Assert.That(drainer.Drain(), Is.EqualTo(new UserRingBufferDrainer.Result(2, 2, 5, 55, 0)));
        Assert.Throws<InvalidOperationException>(() => ring.Submit(open));
    }

    [Test]
    public void FullRingRefusesUntilDrained()
    {
        using var map = KernelPrograms.CreateMap(Sys, BpfMapType.UserRingbuf, 0, 0, 4096);
        using var ring = new UserRingBuffer(map);
        using var drainer = new UserRingBufferDrainer(Sys, map);
        var sample = new byte[1000];
        int written = 0;
        for (uint i = 0; ; i++)
        {
            UserRingBufferDrainer.Fill(sample, i, i);
            if (!ring.TryWrite(sample))
            {
                break;
            }

            written++;
        }

        Assert.That(written, Is.EqualTo(4));
        Assert.That(ring.TryReserve(1000, TimeSpan.FromMilliseconds(50), out _), Is.False);
        Assert.That(drainer.Drain().Count, Is.EqualTo(4UL));
        Assert.That(ring.TryReserve(1000, TimeSpan.FromSeconds(1), out var reservation), Is.True);
        ring.Discard(reservation);
        Assert.Throws<ArgumentOutOfRangeException>(() => ring.TryReserve(ring.MaxSampleSize + 1, out _));
    }

    [Test]
    public void WaitingForRoomWakesWhenDrained()
    {
        using var map = KernelPrograms.CreateMap(Sys, BpfMapType.UserRingbuf, 0, 0, 4096);
        using var ring = new UserRingBuffer(map);
        using var drainer = new UserRingBufferDrainer(Sys, map);
        var sample = new byte[2000];
        UserRingBufferDrainer.Fill(sample, 0, 0);
        Assert.That(ring.TryWrite(sample), Is.True);
        Assert.That(ring.TryWrite(sample), Is.True);
        var reserve = BlockedCall.Start(() => ring.TryReserve(2000, TimeSpan.FromSeconds(10), out _));
        drainer.Drain();
        Assert.That(reserve.Wait(TimeSpan.FromSeconds(10)) && reserve.Result, Is.True);
    }

    [Test]
    public void OtherMapTypesAreRejected()
    {
        using var ringbuf = KernelPrograms.CreateMap(Sys, BpfMapType.Ringbuf, 0, 0, 4096);
        Assert.Throws<ArgumentException>(() => new UserRingBuffer(ringbuf));
    }
}
