using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace DompetKilat.Tests.Infrastructure;

/// <summary>One request the raw endpoint read: the event's id and loan, when it came, and how often that id came before.</summary>
public sealed record RawArrival(string WebhookId, long LoanId, DateTime ArrivedAt, int Before);

/// <summary>
/// A partner's webhook endpoint below HTTP: a loopback TCP listener that reads each request itself
/// and answers with whatever bytes <see cref="Answer"/> writes, at whatever pace, so tests can play
/// a partner no HTTP server would let them (a status line dripped byte by byte, a body that never
/// ends). One request per connection: every answer says <c>Connection: close</c>, so the caller
/// never queues a second request behind a misbehaving one.
/// </summary>
public sealed class RawPartnerEndpoint : IAsyncDisposable
{
    public const string Ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

    private readonly TcpListener listener;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentQueue<RawArrival> arrivals = new();
    private readonly Task accepting;

    private RawPartnerEndpoint(TcpListener listener)
    {
        this.listener = listener;
        accepting = AcceptAsync();
    }

    public string Url => $"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}/dk/events";

    /// <summary>Writes the answer to each request on its connection; a prompt empty 200 unless set.</summary>
    public Func<RawArrival, Socket, CancellationToken, Task> Answer { get; set; } = (_, socket, cancellationToken) => SendAsync(socket, Ok, cancellationToken);

    public IReadOnlyList<RawArrival> Arrivals => [.. arrivals];

    public static RawPartnerEndpoint Start()
    {
        var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return new RawPartnerEndpoint(listener);
    }

    public static async Task SendAsync(Socket socket, string text, CancellationToken cancellationToken) =>
        await socket.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None, cancellationToken);

    /// <summary>Completes when the caller closes its side of the connection, that is, when it gave up on the answer.</summary>
    public static async Task<DateTime> HungUpAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[1];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken) > 0)
            {
            }
        }
        catch (SocketException)
        {
            // A reset is a hang-up too.
        }

        return DateTime.UtcNow;
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await listener.AcceptSocketAsync(stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = ServeAsync(connection);
        }
    }

    private async Task ServeAsync(Socket connection)
    {
        using (connection)
        {
            try
            {
                var body = await ReadRequestBodyAsync(connection, stopping.Token);
                var json = JsonNode.Parse(body)!.AsObject();
                var id = json["id"]!.GetValue<string>();
                var arrival = new RawArrival(id, json["data"]!["id"]!.GetValue<long>(), DateTime.UtcNow, arrivals.Count(a => a.WebhookId == id));
                arrivals.Enqueue(arrival);
                await Answer(arrival, connection, stopping.Token);
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
            {
                // The caller hung up, or the test is over.
            }
        }
    }

    /// <summary>Reads one request's head and its Content-Length body, and returns the body.</summary>
    private static async Task<string> ReadRequestBodyAsync(Socket connection, CancellationToken cancellationToken)
    {
        var received = new List<byte>();
        var buffer = new byte[8192];
        int headEnd;
        while ((headEnd = IndexOfBlankLine(received)) < 0)
        {
            var read = await connection.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                throw new IOException("the caller closed the connection before its request was complete");
            }

            received.AddRange(buffer.AsSpan(0, read));
        }

        var head = Encoding.ASCII.GetString([.. received.Take(headEnd)]);
        var length = head.Split("\r\n")
            .Where(line => line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            .Select(line => int.Parse(line["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture))
            .Single();
        var bodyStart = headEnd + 4;
        while (received.Count < bodyStart + length)
        {
            var read = await connection.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                throw new IOException("the caller closed the connection before its request was complete");
            }

            received.AddRange(buffer.AsSpan(0, read));
        }

        return Encoding.UTF8.GetString([.. received.Skip(bodyStart).Take(length)]);
    }

    private static int IndexOfBlankLine(List<byte> received)
    {
        for (var i = 0; i + 3 < received.Count; i++)
        {
            if (received[i] == '\r' && received[i + 1] == '\n' && received[i + 2] == '\r' && received[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        await accepting;
        stopping.Dispose();
    }
}
