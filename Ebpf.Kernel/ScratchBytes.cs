using System.Buffers;

namespace Ebpf.Kernel;

/// <summary>
/// A temporary byte buffer for one call: the caller's stack space when it is large enough, else an array rented from
/// <see cref="ArrayPool{T}.Shared"/> and returned by <see cref="Dispose"/>. Use it as
/// <c>using var scratch = new ScratchBytes(n &lt;= Limit ? stackalloc byte[n] : Span&lt;byte&gt;.Empty, n);</c>.
/// </summary>
internal ref struct ScratchBytes
{
    private byte[]? _rented;

    /// <summary>Uses <paramref name="stack"/> when it holds <paramref name="length"/> bytes, else rents.</summary>
    public ScratchBytes(Span<byte> stack, int length)
    {
        if (length <= stack.Length)
        {
            Span = stack[..length];
        }
        else
        {
            _rented = ArrayPool<byte>.Shared.Rent(length);
            Span = _rented.AsSpan(0, length);
        }
    }

    /// <summary>The buffer, exactly the length asked for; its contents are undefined.</summary>
    public Span<byte> Span { get; }

    /// <summary>Returns the rented array, if any.</summary>
    public void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
            _rented = null;
        }
    }
}
