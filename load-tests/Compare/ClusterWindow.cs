using System.Text.Json;
using Grid.LoadTests.Http;
using Grid.LoadTests.Reporting;
using Grid.LoadTests.Running;

namespace Grid.LoadTests.Compare;

/// <summary>
/// Reads each silo's Orleans message counts over a span as long as a pass's measured window, starting a second before
/// it, and
/// <c>GET /api/v1/ops/cluster</c> at its end (see <see cref="CpuWindow"/> for the timing), for <see cref="ClusterFigures"/>.
/// </summary>
internal sealed class ClusterWindow
{
    /// <summary>How long before the measured window the message counts are first read.</summary>
    private static readonly TimeSpan CountLead = TimeSpan.FromSeconds(1);

    private readonly Task<(JsonElement Cluster, SiloMessageCounts? Messages)?> _sampling;

    private ClusterWindow(HttpClient client, IReadOnlyList<Uri> silos, LoadProfile profile, CancellationToken cancellationToken)
        => _sampling = SampleAsync(client, silos, profile, cancellationToken);

    /// <summary>Starts sampling <paramref name="client"/>'s API and the <c>/metrics</c> of every silo in <paramref name="silos"/>.</summary>
    public static ClusterWindow Start(HttpClient client, IReadOnlyList<Uri> silos, LoadProfile profile, CancellationToken cancellationToken)
        => new(client, silos, profile, cancellationToken);

    /// <summary>The window's figures; <paramref name="requests"/> is how many API requests it completed.</summary>
    public async Task<ClusterFigures?> FiguresAsync(long requests)
    {
        if (await _sampling is not { } end)
        {
            return null;
        }

        var members = end.Cluster.GetProperty("members").EnumerateArray().ToList();
        var activations = members.Select(m => m.GetProperty("activations").GetInt64()).ToList();
        var spread = activations.Count > 0 && activations.Min() > 0 ? Math.Round((double)activations.Max() / activations.Min(), 2) : (double?)null;
        var messages = end.Messages;
        return new ClusterFigures(members.Count, activations, spread)
        {
            CrossSiloShare = messages is { Received: > 0 } m ? Math.Round((double)m.FromSilos / m.Received, 3) : null,
            CrossSiloCallsPerRequest = messages is { } c && requests > 0 ? Math.Round((double)c.FromSilos / requests, 3) : null,
        };
    }

    private static async Task<(JsonElement, SiloMessageCounts?)?> SampleAsync(
        HttpClient client, IReadOnlyList<Uri> silos, LoadProfile profile, CancellationToken cancellationToken)
    {
        try
        {
            // A reading costs each silo some CPU (its meters walk the activations): both are taken a second before the
            // CPU window's edges, so that only the second falls inside it, and both while the load runs.
            var lead = profile.Warmup < CountLead ? profile.Warmup : CountLead;
            await Task.Delay(profile.Warmup - lead, cancellationToken);
            var before = await CountAsync(client, silos, cancellationToken);
            await Task.Delay(profile.Duration, cancellationToken);
            var after = await CountAsync(client, silos, cancellationToken);
            await Task.Delay(lead, cancellationToken);
            return (await ReadAsync(client, cancellationToken), before is { } b && after is { } a ? a - b : null);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>The counts summed over the silos; null when one of them cannot be read (it left, say).</summary>
    private static async Task<SiloMessageCounts?> CountAsync(HttpClient client, IReadOnlyList<Uri> silos, CancellationToken cancellationToken)
    {
        try
        {
            var counts = await Task.WhenAll(silos.Select(s => SiloMessageCounts.ReadAsync(client, s, cancellationToken)));
            return counts.Aggregate(SiloMessageCounts.Zero, (sum, c) => sum + c);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task<JsonElement> ReadAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(new Uri("api/v1/ops/cluster", UriKind.Relative), cancellationToken);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement.Clone();
    }
}
