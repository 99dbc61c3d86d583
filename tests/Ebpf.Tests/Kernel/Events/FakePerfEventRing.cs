using System.Runtime.InteropServices;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Moq;

namespace Ebpf.Tests.Kernel.Readers;

/// <summary>
/// A fake one-page perf ring for reader tests: records appended at <see cref="_head"/>, published by moving the data
/// head, read by a <see cref="PerfEventReader"/> for CPU 3 over a mocked kernel.
/// </summary>
public abstract unsafe class FakePerfEventRing
{
    protected const int DataHeadOffset = 1024;
    protected const int DataTailOffset = 1032;

    protected static readonly int PageSize = Environment.SystemPageSize;

    protected byte* _mapping;
    protected ulong _head;

    protected byte* Data => _mapping + PageSize;

    [SetUp]
    public void SetUpRing()
    {
        _mapping = (byte*)NativeMemory.AllocZeroed((nuint)(2 * PageSize));
        _head = 0;
    }

    [TearDown]
    public void FreeRing() => NativeMemory.Free(_mapping);

    protected void Append(uint type, byte[] body)
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

    /// <summary>Appends a sample record: header, u32 size, data, padded to 8 bytes.</summary>
    protected void AppendSample(byte[] sample)
    {
        int body = (4 + sample.Length + 7) & ~7;
        var bytes = new byte[body];
        BitConverter.TryWriteBytes(bytes, (uint)sample.Length);
        sample.CopyTo(bytes, 4);
        Append(9, bytes);
    }

    /// <summary>Appends a PERF_RECORD_LOST record counting <paramref name="count"/> samples.</summary>
    protected void AppendLost(ulong count)
    {
        var lost = new byte[16];
        BitConverter.TryWriteBytes(lost.AsSpan(8), count);
        Append(2, lost);
    }

    protected void Publish() => *(ulong*)(_mapping + DataHeadOffset) = _head;

    protected PerfEventReader NewReader()
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
