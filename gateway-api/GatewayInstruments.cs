using System.Diagnostics.Metrics;
using Grid.Gateway.Security;

namespace Grid.Gateway;

/// <summary>The gateway's part of Grid's business meter (<c>Grid</c>): what clients sent, and what was refused them.</summary>
public static class GatewayInstruments
{
    /// <summary>The meter every Grid instrument belongs to (grains, streams and gateway alike).</summary>
    public const string MeterName = "Grid";

    private static readonly Meter Meter = new(MeterName, "1.0");

    /// <summary>Requests refused before they reached Grid: <c>reason</c> = unauthenticated, forbidden or rate_limited; <c>client</c> = the client's name.</summary>
    public static readonly Counter<long> RequestsRefused = Meter.CreateCounter<long>(
        "grid.api.requests_refused", "{request}", "API requests refused for a missing or unknown key or token, a missing role, or the client's rate limit.");

    /// <summary>Inbound events by <c>kind</c> (warehouse, supplier) and <c>outcome</c> (accepted, rejected, refused).</summary>
    public static readonly Counter<long> InboundEvents = Meter.CreateCounter<long>(
        "grid.api.inbound_events", "{event}",
        "Warehouse and supplier events received by the gateway: accepted (queued), rejected (invalid, reported per item) or refused (the whole batch answered 429 while Grid was behind applying events).");

    internal static void Refused(HttpContext context, string reason)
        => RequestsRefused.Add(1,
            new KeyValuePair<string, object?>("reason", reason),
            new KeyValuePair<string, object?>("client", context.User.FindFirst(GridClaims.Client)?.Value ?? "anonymous"));

    internal static void Inbound(string kind, int accepted, int rejected, int refused = 0)
    {
        if (refused > 0)
        {
            InboundEvents.Add(refused, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", "refused"));
        }

        if (accepted > 0)
        {
            InboundEvents.Add(accepted, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", "accepted"));
        }

        if (rejected > 0)
        {
            InboundEvents.Add(rejected, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", "rejected"));
        }
    }
}
