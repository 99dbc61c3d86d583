using System.Runtime.InteropServices;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Moq;

namespace Ebpf.Tests.Kernel.Readers;

/// <summary>Typed reads of <see cref="PerfEventReader"/> over a fake one-page ring: padded and wrapping samples, lost records, size checks.</summary>
public sealed unsafe class PerfEventReaderTypedTests
{
    private const int DataHeadOffset = 1024;
    private const int DataTailOffset = 1032;

    private static readonly int PageSize = Environment.SystemPageSize;

    private byte* _mapping;
    private ulong _head;

    private byte* Data => _mapping + PageSize;

    [SetUp]
    public void SetUp()
    {
        _mapping = (byte*)NativeMemory.AllocZeroed((nuint)(2 * PageSize));
        _head = 0;
    }

    [TearDown]
    public void TearDown() => NativeMemory.Free(_mapping);

    [Test]
    public void ConsumeReadsPaddedAndWrappingSamplesAndSkipsLostRecords()
    {
        using var reader = NewReader();
        _head = (ulong)PageSize - 16; // the first sample wraps the ring end
        *(ulong*)(_mapping + DataTailOffset) = _head;
        AppendSample(Event(1, 10, 12)); // 12 bytes: padded by the kernel to 8 after the u32 size
        AppendLost(5);
        AppendSample(Event(2, 20, 12));
        Publish();
        var seen = new List<(ulong, uint)>();
        Assert.That(reader.Consume((ref readonly Sample s) => seen.Add((s.Seq, s.Pid))), Is.EqualTo(2));
        Assert.That(seen, Is.EqualTo(new[] { (1UL, 10u), (2UL, 20u) }));
        Assert.That(reader.LostSamples, Is.EqualTo(5UL));
        Assert.That(reader.AvailableBytes, Is.Zero);
    }

    [Test]
    public void ShortSamplesThrowAfterBeingConsumed()
    {
        using var reader = NewReader();
        AppendSample(new byte[4]);
        AppendSample(Event(3, 30, 12));
        Publish();
        var e = Assert.Throws<EbpfException>(() => reader.Consume((ref readonly Sample s) => Assert.Fail("short")));
        Assert.That(e!.Message, Does.Contain("perf event record of 4 bytes is shorter than Sample (12 bytes)"));
        var seen = new List<ulong>();
        Assert.That(reader.Consume((ref readonly Sample s) => seen.Add(s.Seq)), Is.EqualTo(1));
        Assert.That(seen, Is.EqualTo(new[] { 3UL }));
    }

    [Test]
    public void ReadAllAsyncYieldsSamplesAndSkipsLostRecords()
    {
        using var reader = NewReader();
        AppendLost(2);
        AppendSample(Event(4, 40, 12));
        AppendSample(Event(5, 50, 12));
        Publish();
        var seen = new List<ulong>();
        foreach (var sample in reader.ReadAllAsync<Sample>().ToBlockingEnumerable())
        {
            seen.Add(sample.Seq);
            if (seen.Count == 2)
            {
                break;
            }
        }

        Assert.That(seen, Is.EqualTo(new[] { 4UL, 5UL }));
        Assert.That(reader.LostSamples, Is.EqualTo(2UL));
    }

    /// <summary>The sample <c>struct { __u64 seq; __u32 pid; }</c> packed to 12 bytes.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private struct Sample
    {
        public ulong Seq;
        public uint Pid;
    }

    private static byte[] Event(ulong seq, uint pid, int size)
    {
        var bytes = new byte[size];
        BitConverter.TryWriteBytes(bytes, seq);
        BitConverter.TryWriteBytes(bytes.AsSpan(8), pid);
        return bytes;
    }

    /// <summary>Appends a sample record: header, u32 size, data, padded to 8 bytes.</summary>
    private void AppendSample(byte[] sample)
    {
        int body = (4 + sample.Length + 7) & ~7;
        var bytes = new byte[body];
        BitConverter.TryWriteBytes(bytes, (uint)sample.Length);
        sample.CopyTo(bytes, 4);
        Append(9, bytes);
    }

    private void AppendLost(ulong count)
    {
        var lost = new byte[16];
        BitConverter.TryWriteBytes(lost.AsSpan(8), count);
        Append(2, lost);
    }

    private void Append(uint type, byte[] body)
    {
        var record = new byte[8 + body.Length];
        BitConverter.TryWriteBytes(record, type);
        BitConverter.TryWriteBytes(record.AsSpan(6), (ushort)record.Length);
        body.CopyTo(record, 8);
        for (int i = 0; i < record.Length; i++)
        {
            Data[(int)((_head + (ulong)i) % (ulong)PageSize)] = record[i];
        }

        _head += (ulong)record.Length;
    }

    private void Publish() => *(ulong*)(_mapping + DataHeadOffset) = _head;

    private PerfEventReader NewReader()
    {
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.ObjGetInfoByFd(ref It.Ref<ObjGetInfoAttr>.IsAny)).Callback(new ObjGetInfoCallback((ref ObjGetInfoAttr attr) =>
        {
            var info = (MapInfo*)attr.Info;
            info->Type = BpfMapType.PerfEventArray;
            info->MaxEntries = 4;
        }));
        sys.As<ISystemCalls>().Setup(s => s.PerfEventOpen(in It.Ref<PerfEventAttr>.IsAny, It.IsAny<int>(), It.IsAny<int>(), It.IsAny<int>(), It.IsAny<ulong>())).Returns(() => new BpfFileDescriptor(1002, ownsHandle: false));
        sys.As<ISystemCalls>().Setup(s => s.Mmap(0, It.IsAny<nuint>(), MmapProtection.Read | MmapProtection.Write, MmapFlags.Shared, It.IsAny<BpfFileDescriptor>(), 0))
            .Returns((nint)_mapping);
        sys.As<ISystemCalls>().Setup(s => s.EpollCreate()).Returns(() => new BpfFileDescriptor(1000, ownsHandle: false));
        sys.As<ISystemCalls>().Setup(s => s.EventFdCreate()).Returns(() => new BpfFileDescriptor(1001, ownsHandle: false));
        return new PerfEventReader(new BpfFileDescriptor(999, ownsHandle: false), new PerfEventReaderOptions { PagesPerCpu = 1 }, sys.Object, [3]);
    }
}
