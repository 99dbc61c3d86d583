using BenchmarkDotNet.Attributes;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Benchmarks.Kernel;

/// <summary>
/// Ring buffer consumption, per record, against libbpf's <c>ring_buffer__consume</c> (native/ringbuf_consume.c does the
/// same). Setup fills a 16 MiB ring once with <see cref="Records"/> records from the ringbuf_output program of
/// tests/bpf/ringbuf.bpf.c (BPF_PROG_TEST_RUN, repeat); every operation rewinds the consumer position to 0 and
/// consumes them all again, so only the reading is timed. Needs root.
/// </summary>
[MemoryDiagnoser]
public unsafe class RingBufferBenchmarks
{
    /// <summary>Records per operation; results are per record.</summary>
    public const int Records = 4096;

    private const int RingSize = 16 << 20;

    private static long _sink;

    private readonly IBpfSyscalls _sys = LinuxBpfSyscalls.Instance;
    private readonly byte[] _buffer = new byte[4096];
    private BpfFileDescriptor _ring = null!;
    private BpfFileDescriptor _payload = null!;
    private BpfFileDescriptor _sequence = null!;
    private BpfFileDescriptor _program = null!;
    private RingBufferReader _reader = null!;
    private nint _consumerPage;

    /// <summary>Record size in bytes.</summary>
    [Params(128, 2048)]
    public int RecordSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _ring = BenchmarkObjectLoader.CreateMap(_sys, BpfMapType.Ringbuf, 0, 0, RingSize);
        _payload = BenchmarkObjectLoader.CreateMap(_sys, BpfMapType.Array, 4, 4096, 1);
        _sequence = BenchmarkObjectLoader.CreateMap(_sys, BpfMapType.Array, 4, 8, 1);
        var maps = new Dictionary<string, BpfFileDescriptor> { ["events"] = _ring, ["payload"] = _payload, ["sequence"] = _sequence };
        _program = BenchmarkObjectLoader.Load(_sys, "ringbuf", "ringbuf_output", BpfProgramType.Xdp, maps);

        var packet = new byte[64];
        BitConverter.TryWriteBytes(packet, RecordSize);
        fixed (byte* data = packet)
        {
            var run = new ProgTestRunAttr { ProgFd = (uint)_program.DangerousGetFd(), DataIn = (ulong)data, DataSizeIn = 64, Repeat = Records };
            _sys.ProgTestRun(ref run);
            if (run.Retval != 2)
            {
                throw new InvalidOperationException($"the producer failed: verdict {run.Retval}");
            }
        }

        _reader = new RingBufferReader(_ring);
        _consumerPage = _sys.System().Mmap(0, (nuint)Environment.SystemPageSize, MmapProtection.Read | MmapProtection.Write, MmapFlags.Shared, _ring, 0);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sys.System().Munmap(_consumerPage, (nuint)Environment.SystemPageSize);
        _reader.Dispose();
        _program.Dispose();
        _sequence.Dispose();
        _payload.Dispose();
        _ring.Dispose();
    }

    /// <summary>Zero-copy: <see cref="RingBufferReader.Consume"/> with a handler reading the record in place.</summary>
    [Benchmark(OperationsPerInvoke = Records)]
    public int ConsumeInPlace()
    {
        Rewind();
        return _reader.Consume(static data => _sink += data[0]);
    }

    /// <summary>Zero-copy with a struct handler: <see cref="RingBufferReader.Consume{THandler}(ref THandler, int)"/>, the call inlined.</summary>
    [Benchmark(OperationsPerInvoke = Records)]
    public long ConsumeStruct()
    {
        Rewind();
        var handler = default(FirstByteSum);
        _reader.Consume(ref handler);
        return handler.Total;
    }

    /// <summary>Typed zero-copy with a delegate: <see cref="RingBufferReader.Consume{T}(EventRecordHandler{T}, int)"/>, each record as a <see cref="Head"/> in place.</summary>
    [Benchmark(OperationsPerInvoke = Records)]
    public int ConsumeTyped()
    {
        Rewind();
        return _reader.Consume(static (ref readonly Head head) => _sink += (byte)head.Sequence);
    }

    /// <summary>Typed zero-copy with a struct handler: <see cref="RingBufferReader.Consume{T, THandler}(ref THandler, int)"/>, the call inlined.</summary>
    [Benchmark(OperationsPerInvoke = Records)]
    public long ConsumeTypedStruct()
    {
        Rewind();
        var handler = default(HeadSum);
        _reader.Consume<Head, HeadSum>(ref handler);
        return handler.Total;
    }

    /// <summary>Zero-copy without a delegate: <see cref="RingBufferReader.TryAcquire"/> leases, disposed after reading.</summary>
    [Benchmark(OperationsPerInvoke = Records)]
    public long AcquireInPlace()
    {
        Rewind();
        long total = 0;
        while (_reader.TryAcquire(out var lease))
        {
            using (lease)
            {
                total += lease.Data[0];
            }
        }

        return total;
    }

    /// <summary>Zero-copy without a delegate: <see cref="RingBufferReader.EnumerateRecords"/> in a foreach.</summary>
    [Benchmark(OperationsPerInvoke = Records)]
    public long EnumerateInPlace()
    {
        Rewind();
        long total = 0;
        foreach (var data in _reader.EnumerateRecords())
        {
            total += data[0];
        }

        return total;
    }

    /// <summary>Copies each record into a reused buffer with <see cref="RingBufferReader.TryReadInto"/>.</summary>
    [Benchmark(OperationsPerInvoke = Records)]
    public long ReadInto()
    {
        Rewind();
        long total = 0;
        while (_reader.TryReadInto(_buffer, out int length))
        {
            total += length;
        }

        return total;
    }

    /// <summary>Copies each record into a new array with <see cref="RingBufferReader.TryRead(out RingBufferRecord)"/>.</summary>
    [Benchmark(OperationsPerInvoke = Records)]
    public long ReadCopy()
    {
        Rewind();
        long total = 0;
        while (_reader.TryRead(out var record))
        {
            total += record.Length;
        }

        return total;
    }

    /// <summary>Adds up the first byte of each record, like the delegate of <see cref="ConsumeInPlace"/>.</summary>
    private struct FirstByteSum : IRingBufferRecordHandler
    {
        public long Total;

        public void Handle(ReadOnlySpan<byte> data) => Total += data[0];
    }

    /// <summary>The first 8 bytes of each record, the sequence number ringbuf_output writes there.</summary>
    private struct Head
    {
#pragma warning disable CS0649 // filled by the kernel: records are read in place from the ring
        public ulong Sequence;
#pragma warning restore CS0649
    }

    /// <summary>Adds up the low byte of each record's sequence number, like the delegate of <see cref="ConsumeTyped"/>.</summary>
    private struct HeadSum : IEventRecordHandler<Head>
    {
        public long Total;

        public void Handle(ref readonly Head value) => Total += (byte)value.Sequence;
    }

    private void Rewind() => Volatile.Write(ref *(long*)_consumerPage, 0);
}
