using System.Runtime.InteropServices;
using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// One CPU's <c>PERF_COUNT_SW_BPF_OUTPUT</c> event and its mmapped ring: a metadata page (<c>perf_event_mmap_page</c>,
/// <c>data_head</c> at 1024, <c>data_tail</c> at 1032) followed by a power-of-two data area of 8-byte aligned records.
/// Records are in the host byte order. Forward rings are consumed by moving <c>data_tail</c>; overwritable (backward) rings are read by snapshots.
/// </summary>
internal sealed unsafe class PerfEventRing : IDisposable
{
    private const uint PerfTypeSoftware = 1;
    private const ulong PerfCountSwBpfOutput = 10;
    private const ulong PerfSampleRaw = 1 << 10;
    private const ulong FlagWatermark = 1 << 14;
    private const ulong FlagWriteBackward = 1 << 27;
    private const ulong PerfFlagFdCloExec = 8;
    private const ulong PerfEventIocPauseOutput = 0x40042409;
    private const uint PerfRecordLost = 2;
    private const uint PerfRecordSample = 9;
    private const int DataHeadOffset = 1024;
    private const int DataTailOffset = 1032;
    private const int HeaderSize = 8;

    private readonly IBpfSyscalls _sys;
    private readonly nint _mapping;
    private readonly nuint _mappingLength;
    private readonly byte* _data;
    private readonly ulong _mask;
    private readonly byte[]? _snapshot;
    private int _snapshotLength;
    private int _snapshotCursor;
    private ulong _previousHead;
    private ulong _pendingNext;

    public PerfEventRing(IBpfSyscalls sys, int cpu, PerfEventReaderOptions options)
    {
        this._sys = sys;
        Cpu = cpu;
        int pageSize = Environment.SystemPageSize;
        Size = checked(options.PagesPerCpu * pageSize);
        _mask = (ulong)Size - 1;
        Overwritable = options.Overwritable;

        var attr = new PerfEventAttr
        {
            Type = PerfTypeSoftware,
            Config = PerfCountSwBpfOutput,
            SamplePeriod = 1,
            SampleType = PerfSampleRaw,
            Flags = (options.WakeupWatermark > 0 ? FlagWatermark : 0) | (Overwritable ? FlagWriteBackward : 0),
            WakeupEvents = (uint)(options.WakeupWatermark > 0 ? options.WakeupWatermark : Math.Max(options.WakeupEvents, 1)),
        };
        Fd = sys.System().PerfEventOpen(attr, pid: -1, cpu, groupFd: -1, PerfFlagFdCloExec);
        try
        {
            _mappingLength = (nuint)(pageSize + Size);
            var protection = Overwritable ? MmapProtection.Read : MmapProtection.Read | MmapProtection.Write;
            _mapping = sys.System().Mmap(0, _mappingLength, protection, MmapFlags.Shared, Fd, 0);
            _data = (byte*)_mapping + pageSize;
            _snapshot = Overwritable ? new byte[Size] : null;
        }
        catch
        {
            Fd.Dispose();
            throw;
        }
    }

    /// <summary>The CPU this ring belongs to.</summary>
    public int Cpu { get; }

    /// <summary>The perf event; its number goes into the perf event array.</summary>
    public BpfFileDescriptor Fd { get; }

    /// <summary>Size of the data area in bytes.</summary>
    public int Size { get; }

    public bool Overwritable { get; }

    private ulong Head => Volatile.Read(ref *(ulong*)((byte*)_mapping + DataHeadOffset));

    private ulong Tail
    {
        get => Volatile.Read(ref *(ulong*)((byte*)_mapping + DataTailOffset));
        set => Volatile.Write(ref *(ulong*)((byte*)_mapping + DataTailOffset), value);
    }

    /// <summary>The most bytes found written and not read when a forward read started.</summary>
    public long BacklogHighWater { get; private set; }

    /// <summary>Bytes written and not read yet.</summary>
    public long AvailableBytes => Overwritable
        ? (_snapshotLength - _snapshotCursor) + (long)Math.Min(_previousHead - Head, (ulong)Size)
        : (long)(Head - Tail);

    /// <summary>
    /// Finds the next sample or lost record without consuming it (<see cref="Advance"/> does); skips other record types.
    /// A record that wraps the ring end is copied into <paramref name="scratch"/>.
    /// </summary>
    public bool TryPeek(byte[] scratch, out ReadOnlySpan<byte> sample, out ulong lost)
    {
        return Overwritable ? TryPeekSnapshot(out sample, out lost) : TryPeekForward(scratch, out sample, out lost);
    }

    /// <summary>Consumes the record the last successful <see cref="TryPeek"/> returned.</summary>
    public void Advance()
    {
        if (Overwritable)
        {
            _snapshotCursor = (int)_pendingNext;
        }
        else
        {
            Tail = _pendingNext;
        }
    }

    public void Dispose()
    {
        if (_mapping != 0)
        {
            _sys.System().Munmap(_mapping, _mappingLength);
        }

        Fd.Dispose();
    }

    private bool TryPeekForward(byte[] scratch, out ReadOnlySpan<byte> sample, out ulong lost)
    {
        ulong tail = Tail;
        ulong head = Head;
        if ((long)(head - tail) > BacklogHighWater)
        {
            BacklogHighWater = (long)(head - tail);
        }

        while (tail < head)
        {
            byte* header = _data + (tail & _mask);
            uint type = *(uint*)header;
            int size = *(ushort*)(header + 6);
            if (size < HeaderSize || (ulong)size > head - tail)
            {
                throw new EbpfException($"perf ring of CPU {Cpu}: record at {tail} claims {size} bytes, {head - tail} are written");
            }

            _pendingNext = tail + (ulong)size;
            if (type is PerfRecordSample or PerfRecordLost)
            {
                int offset = (int)(tail & _mask);
                ReadOnlySpan<byte> record;
                if (offset + size <= Size)
                {
                    record = new ReadOnlySpan<byte>(header, size);
                }
                else
                {
                    int first = Size - offset;
                    new ReadOnlySpan<byte>(header, first).CopyTo(scratch);
                    new ReadOnlySpan<byte>(_data, size - first).CopyTo(scratch.AsSpan(first));
                    record = scratch.AsSpan(0, size);
                }

                if (Decode(type, record, out sample, out lost))
                {
                    return true;
                }
            }

            tail = _pendingNext;
            Tail = tail;
        }

        sample = default;
        lost = 0;
        return false;
    }

    private bool TryPeekSnapshot(out ReadOnlySpan<byte> sample, out ulong lost)
    {
        while (true)
        {
            while (_snapshotCursor + HeaderSize <= _snapshotLength)
            {
                var header = _snapshot.AsSpan(_snapshotCursor);
                uint type = MemoryMarshal.Read<uint>(header);
                int size = MemoryMarshal.Read<ushort>(header[6..]);
                if (size < HeaderSize || _snapshotCursor + size > _snapshotLength)
                {
                    // Never written, or the oldest record was cut by newer ones.
                    break;
                }

                _pendingNext = (ulong)(_snapshotCursor + size);
                if (type is PerfRecordSample or PerfRecordLost && Decode(type, header[..size], out sample, out lost))
                {
                    return true;
                }

                _snapshotCursor = (int)_pendingNext;
            }

            _snapshotCursor = _snapshotLength = 0;
            if (!TakeSnapshot())
            {
                sample = default;
                lost = 0;
                return false;
            }
        }
    }

    /// <summary>Copies what was written since the previous snapshot (at most the ring size), pausing the ring meanwhile.</summary>
    private bool TakeSnapshot()
    {
        if (_previousHead == Head)
        {
            return false;
        }

        _sys.System().Ioctl(Fd, PerfEventIocPauseOutput, 1);
        try
        {
            ulong head = Head;
            int length = (int)Math.Min(_previousHead - head, (ulong)Size);
            int offset = (int)(head & _mask);
            int first = Math.Min(length, Size - offset);
            new ReadOnlySpan<byte>(_data + offset, first).CopyTo(_snapshot);
            new ReadOnlySpan<byte>(_data, length - first).CopyTo(_snapshot.AsSpan(first));
            _snapshotLength = length;
            _previousHead = head;
        }
        finally
        {
            _sys.System().Ioctl(Fd, PerfEventIocPauseOutput, 0);
        }

        return _snapshotLength > 0;
    }

    /// <summary>Decodes a sample (<c>u32 size; u8 data[size]</c> after the header) or a lost record (<c>u64 id; u64 lost</c>).</summary>
    private bool Decode(uint type, ReadOnlySpan<byte> record, out ReadOnlySpan<byte> sample, out ulong lost)
    {
        if (type == PerfRecordSample)
        {
            if (record.Length < HeaderSize + 4)
            {
                throw new EbpfException($"perf ring of CPU {Cpu}: sample record of {record.Length} bytes has no size");
            }

            uint rawSize = MemoryMarshal.Read<uint>(record[HeaderSize..]);
            if (rawSize > (uint)(record.Length - HeaderSize - 4))
            {
                throw new EbpfException($"perf ring of CPU {Cpu}: raw sample of {rawSize} bytes in a {record.Length}-byte record");
            }

            sample = record.Slice(HeaderSize + 4, (int)rawSize);
            lost = 0;
            return true;
        }

        if (record.Length < HeaderSize + 16)
        {
            throw new EbpfException($"perf ring of CPU {Cpu}: lost record of {record.Length} bytes");
        }

        sample = default;
        lost = MemoryMarshal.Read<ulong>(record[(HeaderSize + 8)..]);
        return lost != 0;
    }
}
