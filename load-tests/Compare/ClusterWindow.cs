using System.Text.Json;
using Grid.LoadTests.Reporting;
using Grid.LoadTests.Running;

namespace Grid.LoadTests.Compare;

/// <summary>
/// Reads <c>GET /api/v1/ops/cluster</c> at the end of a pass's measured window (see <see cref="CpuWindow"/> for the
/// timing), for <see cref="ClusterFigures"/>.
/// </summary>
internal sealed class ClusterWindow
{
    private readonly Task<JsonElement?> _sampling;

    private ClusterWindow(HttpClient client, LoadProfile profile, CancellationToken cancellationToken)
        => _sampling = SampleAsync(client, profile, cancellationToken);

    public static ClusterWindow Start(HttpClient client, LoadProfile profile, CancellationToken cancellationToken) => new(client, profile, cancellationToken);

    public async Task<ClusterFigures?> FiguresAsync()
    {
        if (await _sampling is not { } end)
        {
            return null;
        }

        var members = end.GetProperty("members").EnumerateArray().ToList();
        var activations = members.Select(m => m.GetProperty("activations").GetInt64()).ToList();
        var spread = activations.Count > 0 && activations.Min() > 0 ? Math.Round((double)activations.Max() / activations.Min(), 2) : (double?)null;
        return new ClusterFigures(members.Count, activations, spread);
    }

    private static async Task<JsonElement?> SampleAsync(HttpClient client, LoadProfile profile, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(profile.Warmup + profile.Duration, cancellationToken);
            return await ReadAsync(client, cancellationToken);
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
