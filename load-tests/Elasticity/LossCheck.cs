using System.Text.Json;

namespace Grid.LoadTests.Elasticity;

/// <summary>
/// After the load: every acknowledged reservation is held exactly once (reserved units = acknowledged reservations of
/// one unit, per SKU) and every accepted receipt applied exactly once (on-hand = accepted receipts, per SKU; receipts
/// are applied from a queue, so this waits up to <see cref="ApplyWait"/> for them). An operation the client gave up on
/// may or may not have taken effect, so it widens the allowed range by one.
/// </summary>
internal static class LossCheck
{
    public static readonly TimeSpan ApplyWait = TimeSpan.FromSeconds(90);

    public static async Task<LossFigures> RunAsync(HttpClient client, LoadPlan plan, SteadyLoad load, CancellationToken cancellationToken)
    {
        var unsure = load.Abandoned.Count;
        var reservations = await CompareAsync(client, plan, plan.ReservationSkus, load.Reserved, "reserved", unsure, TimeSpan.Zero, cancellationToken);
        var receipts = await CompareAsync(client, plan, plan.ReceiptSkus, load.Received, "onHand", unsure, ApplyWait, cancellationToken);
        return new LossFigures(
            load.Reserved.Values.Sum(), reservations.Lost, reservations.Twice,
            load.Received.Values.Sum(), receipts.Lost, receipts.Twice,
            unsure, [.. reservations.Differences, .. receipts.Differences]);
    }

    private static async Task<(int Lost, int Twice, List<string> Differences)> CompareAsync(
        HttpClient client, LoadPlan plan, IReadOnlyList<string> skus, IReadOnlyDictionary<string, int> acknowledged, string field, int unsure, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var (lost, twice, differences) = (0, 0, new List<string>());
            foreach (var sku in skus)
            {
                var expected = acknowledged.GetValueOrDefault(sku);
                var actual = await ReadAsync(client, $"{sku}@{plan.Location}", field, cancellationToken);
                if (actual < expected)
                {
                    lost += (int)(expected - actual);
                    differences.Add($"{sku}: {field} {actual}, {expected} acknowledged");
                }
                else if (actual > expected + unsure)
                {
                    twice += (int)(actual - expected - unsure);
                    differences.Add($"{sku}: {field} {actual}, {expected} acknowledged (+{unsure} given up)");
                }
            }

            if (differences.Count == 0 || TimeProvider.System.GetElapsedTime(deadline) >= wait)
            {
                return (lost, twice, differences);
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    /// <summary>Waits until every SKU of <paramref name="skus"/> has <paramref name="onHand"/> units on hand: seeding is queued, then applied.</summary>
    public static async Task WaitForStockAsync(HttpClient client, IReadOnlyList<string> skus, string location, long onHand, CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        foreach (var sku in skus)
        {
            while (await ReadAsync(client, $"{sku}@{location}", "onHand", cancellationToken) < onHand)
            {
                if (TimeProvider.System.GetElapsedTime(started) > ApplyWait)
                {
                    throw new Cli.RunFailedException($"the seeded stock of {sku}@{location} was not applied within {ApplyWait.TotalSeconds:0} s.");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
        }
    }

    private static async Task<long> ReadAsync(HttpClient client, string key, string field, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(new Uri($"api/v1/inventory/{Uri.EscapeDataString(key)}", UriKind.Relative), cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return 0;
        }

        response.EnsureSuccessStatusCode();
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return body.RootElement.GetProperty(field).GetInt64();
    }
}

/// <summary>Acknowledged, lost and twice-applied reservations and receipts; operations the client gave up on; what differed.</summary>
internal sealed record LossFigures(
    int ReservationsAcknowledged,
    int ReservationsLost,
    int ReservationsTwice,
    int ReceiptsAccepted,
    int ReceiptsLost,
    int ReceiptsTwice,
    int GivenUp,
    IReadOnlyList<string> Differences)
{
    public bool Clean => ReservationsLost == 0 && ReservationsTwice == 0 && ReceiptsLost == 0 && ReceiptsTwice == 0 && GivenUp == 0;
}
