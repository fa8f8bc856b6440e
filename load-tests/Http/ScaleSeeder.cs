using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Grid.LoadTests.Cli;
using Grid.LoadTests.Compare;
using Grid.LoadTests.Scenarios;

namespace Grid.LoadTests.Http;

/// <summary>
/// Seeds a <see cref="ScaleLayout"/> into a silo: batches of 1,000 receipts through
/// <c>POST /api/v1/warehouse/events</c>, several in flight, each built only when it is sent. A batch that fails is
/// retried (its receipts keep their event ids, so Grid drops any it already applied as duplicates); progress, with the
/// silo's resident memory, goes to stderr. Where Grid queues warehouse events before applying them (PostgreSQL mode
/// with durable event streams), seeding ends only once every receipt has been applied (Grid's applied-events counter), so
/// every SKU-location is resident. Also reads every SKU-location and SKU of a layout once
/// (<see cref="TouchAsync"/>), to make them all resident again after a long seeding.
/// </summary>
internal static class ScaleSeeder
{
    public const int Attempts = 3;

    /// <summary>SKUs per <c>POST /api/v1/atp/query</c>: the most Grid takes in one query.</summary>
    public const int SkusPerQuery = 1000;

    private static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);
    private static readonly Uri AtpQueryPath = new("api/v1/atp/query", UriKind.Relative);
    private static readonly Uri ReplayPath = new("api/v1/ops/streams/dead-letters/replay", UriKind.Relative);
    private static readonly TimeSpan QueuePollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Queued events that stop draining for this long are given up on (and reported).</summary>
    private static readonly TimeSpan QueueStall = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Seeds every SKU-location of <paramref name="layout"/>; returns how many were accepted (all of them) and how long
    /// it took, the wait for Grid's event queues to empty included.
    /// </summary>
    public static async Task<(int Seeded, TimeSpan Elapsed)> SeedAsync(
        ServerProcess silo, HttpClient client, ScaleLayout layout, int concurrency, bool reportProgress, CancellationToken cancellationToken, List<string>? warnings = null)
    {
        var seeded = 0;
        var appliedBefore = await EventQueues.AppliedAsync(client, cancellationToken);
        var clock = Stopwatch.StartNew();
        using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progress = reportProgress
            ? ReportProgressAsync("seeding", "SKU-locations", () => Volatile.Read(ref seeded), layout.SkuLocations, clock, silo.Process.Id, stopProgress.Token)
            : Task.CompletedTask;
        try
        {
            // Enumerable.Range is pulled lazily: a batch exists only while it is being sent.
            await Parallel.ForEachAsync(
                Enumerable.Range(0, layout.Batches),
                new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
                async (batch, ct) =>
                {
                    var events = layout.Batch(batch, DateTimeOffset.UtcNow);
                    await WithRetriesAsync(
                        silo,
                        "seeding",
                        Invariant($"batch {batch}"),
                        "same event ids, so nothing is applied twice",
                        token => StockSeeder.PostBatchAsync(client, events, token),
                        ct);
                    Interlocked.Add(ref seeded, events.Length);
                });
        }
        finally
        {
            await stopProgress.CancelAsync();
            await progress;
        }

        await WaitForQueuesAsync(silo, client, clock, appliedBefore + seeded, reportProgress, warnings, cancellationToken);
        return (seeded, clock.Elapsed);
    }

    /// <summary>
    /// Waits until Grid has applied every event accepted (its <c>grid_warehouse_events_applied_total</c> has reached
    /// <paramref name="appliedTarget"/>) or its event queues are empty (<c>GET /api/v1/ops/streams</c>, <c>depth</c> 0). Events Grid gave up on (dead letters) are put back on their queues
    /// (<c>POST /api/v1/ops/streams/dead-letters/replay</c>; same event ids, so nothing is applied twice) up to
    /// <see cref="Attempts"/> times; what is still dead-lettered or queued after that, or queued without progress for
    /// <see cref="QueueStall"/>, is left and reported in <paramref name="warnings"/>. Returns at once where Grid has
    /// no durable queues (dev mode, or a build without them).
    /// </summary>
    private static async Task WaitForQueuesAsync(
        ServerProcess silo, HttpClient client, Stopwatch clock, long? appliedTarget, bool reportProgress, List<string>? warnings, CancellationToken cancellationToken)
    {
        long highestApplied = 0;
        var accepted = clock.Elapsed;
        var lastReport = clock.Elapsed;
        long? deadLettersBefore = null;
        var replays = 0;
        long lowestDepth = long.MaxValue;
        var lastProgress = clock.Elapsed;
        while (true)
        {
            if (silo.Process.Exited.IsCompleted)
            {
                throw silo.Process.Failed($"exited with code {await silo.Process.Exited} while waiting for the event queues");
            }

            var state = await EventQueues.StateAsync(client, cancellationToken);
            if (state is null)
            {
                return; // no durable queues
            }

            var (depth, deadLetters) = state.Value;
            if (depth < 0)
            {
                await Task.Delay(QueuePollInterval, cancellationToken); // a busy silo: ask again
                continue;
            }

            // Every receipt is applied once Grid's applied counter has risen by them all; the queue rows themselves go only
            // when Orleans' cache releases them, bucket by bucket, which can lag the applying by minutes.
            var applied = await EventQueues.AppliedAsync(client, cancellationToken);
            var allApplied = applied >= appliedTarget;
            deadLettersBefore ??= deadLetters;
            if (depth < lowestDepth || applied > highestApplied)
            {
                lowestDepth = Math.Min(lowestDepth, depth);
                highestApplied = Math.Max(highestApplied, applied ?? 0);
                lastProgress = clock.Elapsed;
            }

            var newDeadLetters = deadLetters - deadLettersBefore.Value;
            var stalled = depth > 0 && clock.Elapsed - lastProgress > QueueStall;
            if (allApplied)
            {
                depth = 0;
            }

            if (depth == 0 || stalled)
            {
                if (newDeadLetters > 0 && replays < Attempts)
                {
                    replays++;
                    await Console.Error.WriteLineAsync(Invariant(
                        $"{newDeadLetters:N0} events were dead-lettered by Grid (its consumers kept failing); replaying them (replay {replays} of {Attempts}; same event ids, so nothing is applied twice)"));
                    await ReplayDeadLettersAsync(client, cancellationToken);
                    deadLettersBefore = deadLetters - newDeadLetters;
                    lowestDepth = long.MaxValue;
                    continue;
                }

                if (newDeadLetters > 0 || depth > 0)
                {
                    var message = Invariant(
                        $"seeding left {newDeadLetters:N0} events dead-lettered and {depth:N0} still queued after {replays} replays ({Duration(clock.Elapsed - accepted)} after the last batch was accepted): up to that many SKU-locations hold no stock, and the figures per SKU-location understate by up to that share.");
                    warnings?.Add(message);
                    await Console.Error.WriteLineAsync("warning: " + message);
                }
                else if (reportProgress && clock.Elapsed - accepted > TimeSpan.FromSeconds(1))
                {
                    await Console.Error.WriteLineAsync(Invariant(
                        $"every receipt applied {Duration(clock.Elapsed - accepted)} after the last batch was accepted"));
                }

                return;
            }

            if (reportProgress && clock.Elapsed - lastReport >= ProgressInterval)
            {
                lastReport = clock.Elapsed;
                await Console.Error.WriteLineAsync(Invariant(
                    $"waiting for the event queues: {(applied is null ? "" : $"{applied:N0} of {appliedTarget:N0} events applied since the silo started, ")}{depth:N0} queue rows left, {newDeadLetters:N0} dead-lettered, {Duration(clock.Elapsed - accepted)} after the last batch was accepted"));
            }

            await Task.Delay(QueuePollInterval, cancellationToken);
        }
    }

    private static async Task ReplayDeadLettersAsync(HttpClient client, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.PostAsync(ReplayPath, GridHttp.JsonContent("{}"u8.ToArray()), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                await Console.Error.WriteLineAsync($"replaying the dead letters answered {(int)response.StatusCode}; waiting on");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            await Console.Error.WriteLineAsync($"replaying the dead letters failed ({ex.Message}); waiting on");
        }
    }

    /// <summary>
    /// Reads every SKU-location (<c>GET /api/v1/inventory/{sku}@{location}</c>) and then every SKU
    /// (<c>POST /api/v1/atp/query</c>, 1,000 SKUs a request) of <paramref name="layout"/> once: each read restarts the
    /// grain's idle time, and brings back one Orleans has already deactivated. Returns how long it took.
    /// </summary>
    public static async Task<TimeSpan> TouchAsync(
        ServerProcess silo, HttpClient client, ScaleLayout layout, int concurrency, CancellationToken cancellationToken)
    {
        var touched = 0;
        var clock = Stopwatch.StartNew();
        using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progress = ReportProgressAsync(
            "refreshing", "SKU-locations and SKUs", () => Volatile.Read(ref touched), layout.SkuLocations + layout.Skus, clock, silo.Process.Id, stopProgress.Token);
        try
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(Enumerable.Range(0, layout.SkuLocations), options, async (index, ct) =>
            {
                var path = new Uri("api/v1/inventory/" + Uri.EscapeDataString(layout.SkuLocationKey(index)), UriKind.Relative);
                await WithRetriesAsync(silo, "refreshing", "GET " + path, "a read", token => ExpectOkAsync(client, () => new HttpRequestMessage(HttpMethod.Get, path), token), ct);
                Interlocked.Increment(ref touched);
            });

            var batches = (layout.Skus + SkusPerQuery - 1) / SkusPerQuery;
            await Parallel.ForEachAsync(Enumerable.Range(0, batches), options, async (batch, ct) =>
            {
                var first = batch * SkusPerQuery;
                var items = Enumerable.Range(first, Math.Min(SkusPerQuery, layout.Skus - first))
                    .Select(i => new AtpQueryItem(layout.Settings.Sku(i)))
                    .ToList();
                var body = JsonSerializer.SerializeToUtf8Bytes(new AtpQuery(items), PayloadJson.Default.AtpQuery);
                await WithRetriesAsync(
                    silo,
                    "refreshing",
                    Invariant($"POST {AtpQueryPath} ({items.Count} SKUs)"),
                    "a read",
                    token => ExpectOkAsync(client, () => new HttpRequestMessage(HttpMethod.Post, AtpQueryPath) { Content = GridHttp.JsonContent(body) }, token),
                    ct);
                Interlocked.Add(ref touched, items.Count);
            });
        }
        finally
        {
            await stopProgress.CancelAsync();
            await progress;
        }

        return clock.Elapsed;
    }

    /// <summary>A span as <c>42 s</c>, <c>7 min 05 s</c> or <c>1 h 02 min</c>.</summary>
    public static string Duration(TimeSpan span)
        => span.TotalHours >= 1 ? Invariant($"{(int)span.TotalHours} h {span.Minutes:00} min")
            : span.TotalMinutes >= 1 ? Invariant($"{(int)span.TotalMinutes} min {span.Seconds:00} s")
            : Invariant($"{span.TotalSeconds:0} s");

    /// <summary>One request, tried up to <see cref="Attempts"/> times; fails at once if the silo has exited.</summary>
    private static async Task WithRetriesAsync(
        ServerProcess silo, string phase, string what, string whySafe, Func<CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await send(cancellationToken);
                return;
            }
            catch (RunFailedException ex) when (!cancellationToken.IsCancellationRequested)
            {
                if (silo.Process.Exited.IsCompleted)
                {
                    throw silo.Process.Failed($"exited with code {await silo.Process.Exited} while {phase}");
                }

                if (attempt >= Attempts)
                {
                    throw new RunFailedException($"{ex.Message} ({what}, {attempt} attempts)", ex);
                }

                await Console.Error.WriteLineAsync(Invariant(
                    $"{phase}: {what} failed, retrying in {RetryPause.TotalSeconds:0} s (attempt {attempt + 1} of {Attempts}; {whySafe}): {ex.Message}"));
                await Task.Delay(RetryPause, cancellationToken);
            }
        }
    }

    /// <summary>Sends a request; anything but a 2xx, a timeout or a failed connection is a <see cref="RunFailedException"/>.</summary>
    private static async Task ExpectOkAsync(HttpClient client, Func<HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        string? what = null;
        try
        {
            using var response = await GridHttp.SendHonouringRetryAfterAsync(
                client,
                () =>
                {
                    var message = request();
                    what = $"{message.Method} {message.RequestUri}";
                    return message;
                },
                TimeSpan.FromMinutes(5),
                cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                throw new RunFailedException(
                    $"{what} answered {(int)response.StatusCode}{(response.StatusCode == HttpStatusCode.NotFound ? " (not found)" : "")}: {(text.Length <= 300 ? text : text[..300] + "…")}");
            }
        }
        catch (HttpRequestException ex)
        {
            throw new RunFailedException($"{what} got no answer: {ex.HttpRequestError}: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RunFailedException($"{what} did not answer within {client.Timeout.TotalSeconds:0} s.", ex);
        }
    }

    private static async Task ReportProgressAsync(
        string phase, string unit, Func<int> done, int total, Stopwatch clock, int pid, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(ProgressInterval);
        var lastCount = 0;
        var lastElapsed = TimeSpan.Zero;
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var count = done();
                var elapsed = clock.Elapsed;
                var rate = count / elapsed.TotalSeconds;
                var recent = (count - lastCount) / (elapsed - lastElapsed).TotalSeconds;
                var eta = rate > 0 ? Duration(TimeSpan.FromSeconds((total - count) / rate)) : "?";
                var rss = ProcessMemory.TryRead(pid) is { } memory ? ProcessMemory.Mib(memory.RssBytes) : "?";
                await Console.Error.WriteLineAsync(Invariant(
                    $"{phase}: {count:N0} of {total:N0} {unit} ({100.0 * count / total:0.0}%), {Duration(elapsed)} elapsed, {rate:N0}/s (last {ProgressInterval.TotalSeconds:0} s: {recent:N0}/s), ETA {eta}, silo RSS {rss}"));
                lastCount = count;
                lastElapsed = elapsed;
            }
        }
        catch (OperationCanceledException)
        {
            // Done (or the run was interrupted): no more progress lines.
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
