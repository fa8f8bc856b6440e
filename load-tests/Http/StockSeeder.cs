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

    /// <summary>
    /// Per seeding request (1,000 receipts, each a SKU-location's first durable write): far longer than a scenario's
    /// request timeout, since seeding is not measured and must not fail on a slow first write. Use a client made with it.
    /// </summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(120);

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
                await PostBatchAsync(client, batch, ct);
                Interlocked.Add(ref seeded, batch.Length);
            });
        return seeded;
    }

    /// <summary>
    /// Posts one batch of receipts (at most <see cref="MaxEventsPerRequest"/>); throws <see cref="RunFailedException"/>
    /// unless every one of them is accepted.
    /// </summary>
    public static async Task PostBatchAsync(HttpClient client, ReceiptEvent[] batch, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await GridHttp.SendHonouringRetryAfterAsync(
                client,
                () => WarehouseIngestScenario.BatchRequest(batch),
                RequestTimeout,
                cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            Check(response.StatusCode, text, batch.Length);
        }
        catch (HttpRequestException ex)
        {
            throw new RunFailedException($"seeding failed: POST {WarehouseIngestScenario.Path} ({batch.Length} receipts) got no answer: {ex.HttpRequestError}: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RunFailedException(
                $"seeding failed: POST {WarehouseIngestScenario.Path} ({batch.Length} receipts) did not answer within {client.Timeout.TotalSeconds:0} s.", ex);
        }
    }

    private static void Check(HttpStatusCode status, string text, int sent)
    {
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new RunFailedException($"seeding was refused with {(int)status}: the target wants an API key with the wms role (--api-key or GRID_API_KEY).");
        }

        if ((int)status is < 200 or > 299)
        {
            throw new RunFailedException($"seeding failed: POST {WarehouseIngestScenario.Path} answered {(int)status}: {Shorten(text)}");
        }

        EventBatchResult? result;
        try
        {
            result = JsonSerializer.Deserialize(text, PayloadJson.Default.EventBatchResult);
        }
        catch (JsonException)
        {
            throw new RunFailedException($"seeding failed: POST {WarehouseIngestScenario.Path} answered {(int)status} with a body that is not {{ accepted, rejected }}: {Shorten(text)}");
        }

        if (result is null || result.Accepted != sent || result.Rejected is { Count: > 0 })
        {
            throw new RunFailedException($"seeding failed: {result?.Accepted ?? 0} of {sent} receipts accepted: {Shorten(text)}");
        }
    }

    private static string Shorten(string text) => text.Length <= 400 ? text : text[..400] + "…";
}
