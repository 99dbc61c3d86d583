using System.Runtime.InteropServices;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Moq;

namespace Ebpf.Tests.Kernel.Readers;

/// <summary>
/// Fake ring buffer memory for reader tests: a consumer page and a producer page followed by the data mapped twice,
/// records written with their header bits, published by moving the producer position, read by a
/// <see cref="RingBufferReader"/> over a mocked kernel.
/// </summary>
public abstract unsafe class FakeRingBuffer
{
    protected const int RingSize = 4096;

    protected static readonly int PageSize = Environment.SystemPageSize;

    protected byte* _consumer;
    protected byte* _producer;

    protected byte* Data => _producer + PageSize;

    [SetUp]
    public void SetUpRing()
    {
        _consumer = (byte*)NativeMemory.AllocZeroed((nuint)PageSize);
        _producer = (byte*)NativeMemory.AllocZeroed((nuint)(PageSize + (2 * RingSize)));
    }

    [TearDown]
    public void FreeRing()
    {
        NativeMemory.Free(_consumer);
        NativeMemory.Free(_producer);
    }

    /// <summary>Writes a record holding <paramref name="body"/> at <paramref name="position"/> in both mappings; returns the next position.</summary>
    protected long Write(long position, byte[] body, bool busy, bool discard)
    {
        uint header = (uint)body.Length | (busy ? 1u << 31 : 0) | (discard ? 1u << 30 : 0);
        var bytes = new byte[8 + body.Length];
        BitConverter.TryWriteBytes(bytes, header);
        body.CopyTo(bytes, 8);
        for (int i = 0; i < bytes.Length; i++)
        {
            long at = (position + i) % RingSize;
            Data[at] = bytes[i];
            Data[at + RingSize] = bytes[i];
        }

        return position + ((8 + body.Length + 7) & ~7);
    }

    protected void Publish(long position) => *(long*)_producer = position;

    protected RingBufferReader NewReader()
    {
        var sys = new Mock<IBpfSyscalls>();
        sys.Setup(s => s.ObjGetInfoByFd(ref It.Ref<ObjGetInfoAttr>.IsAny)).Callback(new ObjGetInfoCallback((ref ObjGetInfoAttr attr) =>
        {
            var info = (MapInfo*)attr.Info;
            info->Type = BpfMapType.Ringbuf;
            info->MaxEntries = RingSize;
        }));
        sys.As<ISystemCalls>().SetupSequence(s => s.Mmap(0, It.IsAny<nuint>(), It.IsAny<MmapProtection>(), MmapFlags.Shared, It.IsAny<BpfFileDescriptor>(), It.IsAny<long>()))
            .Returns((nint)_consumer)
            .Returns((nint)_producer);
        sys.As<ISystemCalls>().Setup(s => s.EpollCreate()).Returns(() => new BpfFileDescriptor(1000, ownsHandle: false));
        sys.As<ISystemCalls>().Setup(s => s.EventFdCreate()).Returns(() => new BpfFileDescriptor(1001, ownsHandle: false));
        return new RingBufferReader(new BpfFileDescriptor(999, ownsHandle: false), sys.Object);
    }
}
