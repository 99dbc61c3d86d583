using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TcpCongestion;

/// <summary>
/// TCP connections over loopback that use a given congestion control: a listener on 127.0.0.1 that reads and
/// discards, and clients that set <c>TCP_CONGESTION</c> before connecting and then send bursts of data until stopped.
/// </summary>
internal sealed class LoopbackTraffic : IAsyncDisposable
{
    /// <summary><c>IPPROTO_TCP</c>, the socket option level.</summary>
    private const int IpProtoTcp = 6;

    /// <summary><c>TCP_CONGESTION</c> (linux/tcp.h): the congestion control of a socket, by name.</summary>
    private const int TcpCongestionOption = 13;

    /// <summary>Bytes a client sends per burst.</summary>
    private const int BurstBytes = 1024 * 1024;

    /// <summary>Pause between a client's bursts, which keeps the load light (about 50 MiB/s per connection).</summary>
    private static readonly TimeSpan BurstInterval = TimeSpan.FromMilliseconds(20);

    private readonly TcpListener _listener;
    private readonly List<Socket> _sockets = [];
    private readonly List<Task> _tasks = [];
    private readonly CancellationTokenSource _stop = new();
    private long _bytesSent;

    private LoopbackTraffic(TcpListener listener) => _listener = listener;

    /// <summary>Bytes the clients sent so far.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>The congestion control the clients' sockets report (<c>getsockopt(TCP_CONGESTION)</c>).</summary>
    public string? ClientCongestionControl { get; private set; }

    /// <summary>Listens on 127.0.0.1, connects <paramref name="connections"/> clients that use <paramref name="congestionControl"/>, and starts sending.</summary>
    /// <exception cref="SocketException">The kernel refused the congestion control (ENOENT: not registered) or a connection.</exception>
    public static async Task<LoopbackTraffic> StartAsync(string congestionControl, int connections)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var traffic = new LoopbackTraffic(listener);
        try
        {
            var endPoint = (IPEndPoint)listener.LocalEndpoint;
            for (int i = 0; i < connections; i++)
            {
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                traffic._sockets.Add(client);
                // Set before connect, so that the congestion control's init runs when the connection is established.
                client.SetRawSocketOption(IpProtoTcp, TcpCongestionOption, Encoding.ASCII.GetBytes(congestionControl));
                await client.ConnectAsync(endPoint);
                var server = await listener.AcceptSocketAsync();
                traffic._sockets.Add(server);
                traffic.ClientCongestionControl ??= CongestionControlOf(client);
                traffic._tasks.Add(traffic.SendAsync(client, traffic._stop.Token));
                traffic._tasks.Add(DiscardAsync(server, traffic._stop.Token));
            }
        }
        catch
        {
            await traffic.DisposeAsync();
            throw;
        }

        return traffic;
    }

    /// <summary>Stops sending and closes the connections and the listener.</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        try
        {
            await Task.WhenAll(_tasks);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // the sockets were closed under the loops
        }

        _listener.Stop();
        _stop.Dispose();
    }

    private static string CongestionControlOf(Socket socket)
    {
        Span<byte> name = stackalloc byte[16];
        int length = socket.GetRawSocketOption(IpProtoTcp, TcpCongestionOption, name);
        int end = name[..length].IndexOf((byte)0);
        return Encoding.ASCII.GetString(name[..(end < 0 ? length : end)]);
    }

    private async Task SendAsync(Socket socket, CancellationToken cancellationToken)
    {
        var burst = new byte[BurstBytes];
        Random.Shared.NextBytes(burst);
        using var timer = new PeriodicTimer(BurstInterval);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            int sent = 0;
            while (sent < burst.Length)
            {
                sent += await socket.SendAsync(burst.AsMemory(sent), SocketFlags.None, cancellationToken);
            }

            Interlocked.Add(ref _bytesSent, sent);
        }
    }

    private static async Task DiscardAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[BurstBytes];
        while (await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken) > 0)
        {
        }
    }
}
