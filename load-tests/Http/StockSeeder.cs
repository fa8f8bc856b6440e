using System.Net;
using System.Text.Json;
using Grid.LoadTests.Cli;
using Grid.LoadTests.Scenarios;

namespace Grid.LoadTests.Http;

/// <summary>
/// Puts a scenario's initial stock in through the public API: receipt events, at most 1,000 per request, with event
/// ids under the run's unique prefix so that repeated runs never collide with (or get deduplicated against) earlier ones.
/// </summary>
internal static class StockSeeder
{
    public const int MaxEventsPerRequest = 1000;
    public const string Source = "grid-load-tests";

    public static async Task<int> SeedAsync(HttpClient client, string runPrefix, IEnumerable<StockLine> stock, CancellationToken cancellationToken)
    {
        var batches = stock
            .Select((line, index) => new ReceiptEvent($"{runPrefix}-seed-{index}", Source, DateTimeOffset.UtcNow, "receipt", line.Sku, line.Location, line.Quantity))
            .Chunk(MaxEventsPerRequest)
            .ToList();

        var seeded = 0;
        await Parallel.ForEachAsync(
            batches,
            new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken },
            async (batch, ct) =>
            {
                await PostAsync(client, batch, ct);
                Interlocked.Add(ref seeded, batch.Length);
            });
        return seeded;
    }

    private static async Task PostAsync(HttpClient client, ReceiptEvent[] batch, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new WarehouseEventBatch(batch), PayloadJson.Default.WarehouseEventBatch);
        using var content = GridHttp.JsonContent(body);
        using var response = await client.PostAsync(WarehouseIngestScenario.Path, content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new RunFailedException($"seeding was refused with {(int)response.StatusCode}: the target wants an API key with the wms role (--api-key or GRID_API_KEY).");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new RunFailedException($"seeding failed: POST {WarehouseIngestScenario.Path} answered {(int)response.StatusCode}: {Shorten(text)}");
        }

        var result = JsonSerializer.Deserialize(text, PayloadJson.Default.EventBatchResult);
        if (result is null || result.Accepted != batch.Length || result.Rejected is { Count: > 0 })
        {
            throw new RunFailedException($"seeding failed: {result?.Accepted ?? 0} of {batch.Length} receipts accepted: {Shorten(text)}");
        }
    }

    private static string Shorten(string text) => text.Length <= 400 ? text : text[..400] + "…";
}
