using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace Grid.LoadTests.Elasticity;

/// <summary>
/// Reads <c>GET /api/v1/ops/cluster</c> once a second until the expected number of silos is active and their grain
/// activations are within <see cref="MaxSpread"/> of each other (max ÷ min), or until told to stop.
/// </summary>
internal static class BalanceWatch
{
    public const double MaxSpread = 1.5;

    private static readonly Uri ClusterPath = new("api/v1/ops/cluster", UriKind.Relative);

    /// <summary>Seconds from the call until balanced, or null if it was not by the time <paramref name="stop"/> was cancelled; and the last spread read.</summary>
    public static async Task<BalanceResult> WaitAsync(HttpClient client, int silos, CancellationToken stop)
    {
        var started = TimeProvider.System.GetTimestamp();
        double? spread = null;
        int[] activations = [];
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var view = await client.GetFromJsonAsync(ClusterPath, BalanceJson.Default.ClusterReading, stop);
                if (view is not null && view.Members.Count == silos)
                {
                    activations = [.. view.Members.Select(m => (int)m.Activations)];
                    spread = activations.Min() == 0 ? double.PositiveInfinity : (double)activations.Max() / activations.Min();
                    if (spread <= MaxSpread)
                    {
                        return new BalanceResult(TimeProvider.System.GetElapsedTime(started).TotalSeconds, spread, activations);
                    }
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException || (ex is OperationCanceledException && !stop.IsCancellationRequested))
            {
                // The cluster is changing: read again in a second.
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return new BalanceResult(null, spread is { } s && double.IsFinite(s) ? s : null, activations);
    }
}

/// <summary>How long until balanced (null: not within the observation), the last max ÷ min activations, and the activations per silo.</summary>
internal sealed record BalanceResult(double? Seconds, double? Spread, IReadOnlyList<int> Activations);

internal sealed record ClusterReading(int Silos, long Activations, IReadOnlyList<SiloReading> Members);

internal sealed record SiloReading(string Address, long Activations);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ClusterReading))]
internal sealed partial class BalanceJson : JsonSerializerContext;
