using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// Writes samples to a <c>BPF_MAP_TYPE_USER_RINGBUF</c> map for BPF programs to drain with
/// <c>bpf_user_ringbuf_drain</c>. User space is the producer: it maps the consumer page read-only and the producer page
/// plus the data area (mapped twice by the kernel, so no sample wraps) read-write.
/// <para>
/// Each sample has an 8-byte header: its length with the busy bit while reserved, the discard bit when dropped.
/// <see cref="TryReserve(int, out UserRingBufferReservation)"/> publishes the producer position (release) with the busy
/// bit set; <see cref="Submit"/> and <see cref="Discard"/> clear it atomically. Several reservations may be open at once;
/// the kernel consumes in order and stops at the first one still busy. One producer at a time: not thread-safe.
/// </para>
/// </summary>
public sealed unsafe class UserRingBuffer : IDisposable
{
    /// <summary>Size of the sample header.</summary>
    public const int HeaderSize = RingBufferRecordHeader.Size;

    private const uint BusyBit = RingBufferRecordHeader.BusyBit;
    private const uint DiscardBit = RingBufferRecordHeader.DiscardBit;

    private readonly EventChannel _channel;
    private readonly long* _consumerPosition;
    private readonly long* _producerPosition;
    private readonly byte* _data;
    private readonly long _mask;
    private bool _disposed;

    /// <summary>Maps the user ring buffer <paramref name="userRingBuffer"/> for writing.</summary>
    /// <param name="userRingBuffer">The map; the writer keeps it open (adds a reference) until disposed.</param>
    /// <param name="syscalls">The kernel interface; <see cref="LinuxBpfSyscalls.Instance"/> when null.</param>
    /// <exception cref="ArgumentException">The map is not a <c>BPF_MAP_TYPE_USER_RINGBUF</c>.</exception>
    /// <exception cref="EbpfException">mmap or epoll failed (the kernel allows one writable mapping at a time).</exception>
    public UserRingBuffer(BpfFileDescriptor userRingBuffer, IBpfSyscalls? syscalls = null)
    {
        ArgumentNullException.ThrowIfNull(userRingBuffer);
        _channel = EventChannel.OpenRing(syscalls ?? LinuxBpfSyscalls.Instance, userRingBuffer, BpfMapType.UserRingbuf, nameof(userRingBuffer), userProducer: true);
        Size = _channel.Size;
        _mask = Size - 1;
        _consumerPosition = _channel.ConsumerPosition;
        _producerPosition = _channel.ProducerPosition;
        _data = _channel.Data;
    }

    /// <summary>Maps the user ring buffer <paramref name="userRingBuffer"/> for writing.</summary>
    /// <param name="userRingBuffer">The map; the writer keeps its descriptor open (adds a reference) until disposed.</param>
    /// <param name="syscalls">The kernel interface; the map's when null.</param>
    /// <exception cref="ArgumentException">The map is not a <c>BPF_MAP_TYPE_USER_RINGBUF</c>.</exception>
    /// <exception cref="EbpfException">mmap or epoll failed (the kernel allows one writable mapping at a time).</exception>
    public UserRingBuffer(Map userRingBuffer, IBpfSyscalls? syscalls = null)
        : this(EventChannel.Expect(userRingBuffer, BpfMapType.UserRingbuf, nameof(userRingBuffer)), syscalls ?? userRingBuffer.Syscalls)
    {
    }

    /// <summary>The size of the data area in bytes (the map's max_entries).</summary>
    public int Size { get; }

    /// <summary>The largest sample that can ever be reserved: the ring size less one header.</summary>
    public int MaxSampleSize => Size - HeaderSize;

    /// <summary>Bytes free for new samples and their headers.</summary>
    public long FreeBytes
    {
        get
        {
            ThrowIfDisposed();
            return Size - (ProducerPosition - ConsumerPosition);
        }
    }

    private long ConsumerPosition => Volatile.Read(ref *_consumerPosition);

    private long ProducerPosition
    {
        get => Volatile.Read(ref *_producerPosition);
        set => Volatile.Write(ref *_producerPosition, value);
    }

    /// <summary>Reserves <paramref name="size"/> bytes without waiting.</summary>
    /// <returns>False when the ring has no room now.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is negative or above <see cref="MaxSampleSize"/>.</exception>
    public bool TryReserve(int size, out UserRingBufferReservation reservation)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, MaxSampleSize);
        long total = RingBufferRecordHeader.Footprint((uint)size);
        long producer = ProducerPosition;
        if (Size - (producer - ConsumerPosition) < total)
        {
            reservation = default;
            return false;
        }

        byte* header = _data + (producer & _mask);
        *(uint*)header = (uint)size | BusyBit;
        *(uint*)(header + 4) = 0;
        ProducerPosition = producer + total;
        reservation = new UserRingBufferReservation(this, header, size);
        return true;
    }

    /// <summary>Reserves <paramref name="size"/> bytes, waiting up to <paramref name="timeout"/> for the kernel to drain enough.</summary>
    /// <returns>False when the timeout expired first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is negative or above <see cref="MaxSampleSize"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public bool TryReserve(int size, TimeSpan timeout, out UserRingBufferReservation reservation, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, MaxSampleSize);

        // The kernel reports "writable" whenever the ring is not full, which may still be too little room: sleep then.
        if (_channel.WaitUntil((Ring: this, Size: size), static s => s.Ring.HasRoom(s.Size), WaitTimeout.Start(timeout), cancellationToken, backoffMilliseconds: 1))
        {
            return TryReserve(size, out reservation);
        }

        reservation = default;
        return false;
    }

    /// <summary>Copies <paramref name="sample"/> into the ring and submits it, without waiting.</summary>
    /// <returns>False when the ring has no room now.</returns>
    public bool TryWrite(ReadOnlySpan<byte> sample)
    {
        if (!TryReserve(sample.Length, out var reservation))
        {
            return false;
        }

        sample.CopyTo(reservation.Data);
        Submit(reservation);
        return true;
    }

    /// <summary>Hands a reserved sample to the kernel.</summary>
    /// <exception cref="InvalidOperationException">The reservation is not open in this ring (already submitted or discarded, or another ring's).</exception>
    public void Submit(in UserRingBufferReservation reservation) => Commit(reservation, 0);

    /// <summary>Gives up a reserved sample: the kernel skips it.</summary>
    /// <exception cref="InvalidOperationException">The reservation is not open in this ring (already submitted or discarded, or another ring's).</exception>
    public void Discard(in UserRingBufferReservation reservation) => Commit(reservation, DiscardBit);

    /// <summary>
    /// Unmaps the ring, closes the epoll set and releases the map. A wait for room blocked on another thread wakes and
    /// throws <see cref="ObjectDisposedException"/>; other calls must not run concurrently with Dispose.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _channel.Close();
    }

    private bool HasRoom(int size)
    {
        ThrowIfDisposed();
        return Size - (ProducerPosition - ConsumerPosition) >= RingBufferRecordHeader.Footprint((uint)size);
    }

    private void Commit(in UserRingBufferReservation reservation, uint flags)
    {
        ThrowIfDisposed();
        if (!ReferenceEquals(reservation.Owner, this))
        {
            throw new InvalidOperationException("the reservation does not belong to this ring buffer");
        }

        uint* header = (uint*)reservation.Header;
        uint word = Volatile.Read(ref *header);
        if (word != ((uint)reservation.Length | BusyBit))
        {
            throw new InvalidOperationException("the reservation was already submitted or discarded");
        }

        Interlocked.Exchange(ref *header, (uint)reservation.Length | flags);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
