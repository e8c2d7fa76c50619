using System.Net;
using System.Net.Sockets;
using DompetKilat.Lending.Partners;

namespace DompetKilat.CallbackWorker.Notifications;

/// <summary>
/// Opens the dispatcher's connections itself: resolves the partner's host and connects only to
/// addresses a webhook may reach, so a name re-pointed at an internal address after registration
/// (or DNS rebinding between check and connect) is refused. Development lets loopback through,
/// for the partner sandbox and test receivers.
/// </summary>
internal sealed class WebhookConnectGuard(IHostEnvironment environment)
{
    private readonly bool allowInternal = environment.IsDevelopment();

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        if (!allowInternal && context.DnsEndPoint.Port != WebhookAddresses.Port)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError,
                $"a webhook may only be delivered to port {WebhookAddresses.Port}");
        }

        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        if (!allowInternal)
        {
            addresses = [.. addresses.Where(a => !WebhookAddresses.IsForbidden(a))];
        }

        if (addresses.Length == 0)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError,
                "the webhook host resolves to no address a webhook may reach (loopback, private, link-local or metadata)");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
