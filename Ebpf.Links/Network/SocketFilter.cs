using System.Net.Sockets;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Links;

/// <summary>
/// A socket filter program attached to a socket with <c>SO_ATTACH_BPF</c>
/// (<see cref="NetworkAttachExtensions.AttachSocketFilter(Program, Socket)"/>); disposing detaches it
/// (<c>SO_DETACH_BPF</c>). Socket filters are not links: <see cref="Link.Pin"/> and <see cref="Link.Info"/> are not available.
/// </summary>
public sealed class SocketFilter : Link
{
    private const int SolSocket = 1;
    private const int SoAttachBpf = 50;
    private const int SoDetachBpf = 27;

    private readonly Socket _socket;
    private bool _detached;

    private SocketFilter(Socket socket)
        : base((IBpfSyscalls?)null)
    {
        _socket = socket;
    }

    /// <summary>Attaches <paramref name="program"/> (a socket filter: returns the bytes to keep, 0 drops) to <paramref name="socket"/>.</summary>
    internal static SocketFilter Attach(Socket socket, BpfFileDescriptor program)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(program);
        SetProgram(socket, program);
        return new SocketFilter(socket);
    }

    /// <summary>Replaces the filter with <paramref name="newProgram"/> (<c>SO_ATTACH_BPF</c> again).</summary>
    /// <param name="newProgram">A socket filter program.</param>
    public override void Update(BpfFileDescriptor newProgram)
    {
        ArgumentNullException.ThrowIfNull(newProgram);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        SetProgram(_socket, newProgram);
        _detached = false;
    }

    /// <summary>Removes the filter (<c>SO_DETACH_BPF</c>).</summary>
    public override void Detach()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (!_detached)
        {
            _socket.SetRawSocketOption(SolSocket, SoDetachBpf, stackalloc byte[4]);
            _detached = true;
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_detached)
        {
            try
            {
                _socket.SetRawSocketOption(SolSocket, SoDetachBpf, stackalloc byte[4]);
            }
            catch (SocketException)
            {
                // The socket is closed or has no filter.
            }
            catch (ObjectDisposedException)
            {
                // The socket is closed: so is its filter.
            }

            _detached = true;
        }

        base.Dispose(disposing);
    }

    private static void SetProgram(Socket socket, BpfFileDescriptor program)
    {
        Span<byte> value = stackalloc byte[4];
        using var programUse = new FdUse(program);
        BitConverter.TryWriteBytes(value, programUse.Fd);
        socket.SetRawSocketOption(SolSocket, SoAttachBpf, value);
    }
}
