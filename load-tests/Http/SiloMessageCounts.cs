using System.Globalization;
using System.Text.RegularExpressions;

namespace Grid.LoadTests.Http;

/// <summary>
/// The grain calls one silo received (requests and one-way calls, not responses), by where they came from, as its
/// Orleans meter says on its Prometheus endpoint (<c>/metrics</c>), cumulative since it started: from another silo and
/// from a client such as the gateway process
/// (<c>orleans-messaging-received-messages-size</c>, by connection), and from a grain of its own
/// (<c>orleans-messaging-processing-dispatcher-received</c>, context <c>Grain</c>). A request the gateway process
/// sends to a silo that forwards it to the grain's silo arrives twice: from the client, then from that silo.
/// </summary>
internal sealed partial record SiloMessageCounts(long FromSilos, long FromClients, long FromOwnGrains)
{
    public static SiloMessageCounts Zero { get; } = new(0, 0, 0);

    /// <summary>Every request received, however it came.</summary>
    public long Received => FromSilos + FromClients + FromOwnGrains;

    public static SiloMessageCounts operator +(SiloMessageCounts a, SiloMessageCounts b)
        => new(a.FromSilos + b.FromSilos, a.FromClients + b.FromClients, a.FromOwnGrains + b.FromOwnGrains);

    public static SiloMessageCounts operator -(SiloMessageCounts a, SiloMessageCounts b)
        => new(a.FromSilos - b.FromSilos, a.FromClients - b.FromClients, a.FromOwnGrains - b.FromOwnGrains);

    public static async Task<SiloMessageCounts> ReadAsync(HttpClient client, Uri silo, CancellationToken cancellationToken)
        => Parse(await client.GetStringAsync(new Uri(silo, "metrics"), cancellationToken));

    public static SiloMessageCounts Parse(string metrics)
    {
        long silos = 0, clients = 0, own = 0;
        foreach (Match line in CountLine().Matches(metrics))
        {
            var labels = line.Groups["labels"].Value;
            var count = long.Parse(line.Groups["count"].Value, CultureInfo.InvariantCulture);
            if (line.Groups["name"].Value.StartsWith("orleans_messaging_processing", StringComparison.Ordinal))
            {
                own += Has(labels, "Context", "Grain") && !Has(labels, "Direction", "Response") ? count : 0;
            }
            else if (!Has(labels, "MessageDirection", "Response"))
            {
                silos += Has(labels, "ConnectionDirection", "SiloToSilo") ? count : 0;
                clients += Has(labels, "ConnectionDirection", "GatewayToClient") ? count : 0;
            }
        }

        return new SiloMessageCounts(silos, clients, own);
    }

    private static bool Has(string labels, string name, string value)
        => labels.Contains($"{name}=\"{value}\"", StringComparison.Ordinal);

    [GeneratedRegex(
        @"^(?<name>orleans_messaging_processing_dispatcher_received_total|orleans_messaging_received_messages_size[a-z_]*_count)\{(?<labels>[^}]*)\} (?<count>\d+)",
        RegexOptions.Multiline)]
    private static partial Regex CountLine();
}
