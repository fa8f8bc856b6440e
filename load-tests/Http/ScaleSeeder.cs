using System.Diagnostics;
using System.Globalization;
using Grid.LoadTests.Cli;
using Grid.LoadTests.Compare;
using Grid.LoadTests.Scenarios;

namespace Grid.LoadTests.Http;

/// <summary>
/// Seeds a <see cref="ScaleLayout"/> into a silo: batches of 1,000 receipts through
/// <c>POST /api/v1/warehouse/events</c>, several in flight, each built only when it is sent. A batch that fails is
/// retried (its receipts keep their event ids, so Grid drops any it already applied as duplicates); progress, with the
/// silo's resident memory, goes to stderr.
/// </summary>
internal static class ScaleSeeder
{
    public const int Attempts = 3;

    private static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);

    /// <summary>Seeds every SKU-location of <paramref name="layout"/>; returns how many were accepted (all of them) and how long it took.</summary>
    public static async Task<(int Seeded, TimeSpan Elapsed)> SeedAsync(
        ServerProcess silo, HttpClient client, ScaleLayout layout, int concurrency, bool reportProgress, CancellationToken cancellationToken)
    {
        var seeded = 0;
        var clock = Stopwatch.StartNew();
        using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progress = reportProgress
            ? ReportProgressAsync(() => Volatile.Read(ref seeded), layout.SkuLocations, clock, silo.Process.Id, stopProgress.Token)
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
                    await PostWithRetriesAsync(silo, client, batch, events, ct);
                    Interlocked.Add(ref seeded, events.Length);
                });
        }
        finally
        {
            await stopProgress.CancelAsync();
            await progress;
        }

        return (seeded, clock.Elapsed);
    }

    private static async Task PostWithRetriesAsync(ServerProcess silo, HttpClient client, int batch, ReceiptEvent[] events, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StockSeeder.PostBatchAsync(client, events, cancellationToken);
                return;
            }
            catch (RunFailedException ex) when (!cancellationToken.IsCancellationRequested)
            {
                if (silo.Process.Exited.IsCompleted)
                {
                    throw silo.Process.Failed($"exited with code {await silo.Process.Exited} while being seeded");
                }

                if (attempt >= Attempts)
                {
                    throw new RunFailedException($"{ex.Message} (batch {batch}, {attempt} attempts)", ex);
                }

                await Console.Error.WriteLineAsync(Invariant(
                    $"seeding: batch {batch} failed, retrying in {RetryPause.TotalSeconds:0} s (attempt {attempt + 1} of {Attempts}; same event ids, so nothing is applied twice): {ex.Message}"));
                await Task.Delay(RetryPause, cancellationToken);
            }
        }
    }

    private static async Task ReportProgressAsync(Func<int> seeded, int total, Stopwatch clock, int pid, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(ProgressInterval);
        var lastCount = 0;
        var lastElapsed = TimeSpan.Zero;
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var count = seeded();
                var elapsed = clock.Elapsed;
                var rate = count / elapsed.TotalSeconds;
                var recent = (count - lastCount) / (elapsed - lastElapsed).TotalSeconds;
                var eta = rate > 0 ? Duration(TimeSpan.FromSeconds((total - count) / rate)) : "?";
                var rss = ProcessMemory.TryRead(pid) is { } memory ? ProcessMemory.Mib(memory.RssBytes) : "?";
                await Console.Error.WriteLineAsync(Invariant(
                    $"seeding: {count:N0} of {total:N0} SKU-locations ({100.0 * count / total:0.0}%), {Duration(elapsed)} elapsed, {rate:N0}/s (last {ProgressInterval.TotalSeconds:0} s: {recent:N0}/s), ETA {eta}, silo RSS {rss}"));
                lastCount = count;
                lastElapsed = elapsed;
            }
        }
        catch (OperationCanceledException)
        {
            // Seeding ended (or the run was interrupted): no more progress lines.
        }
    }

    /// <summary>A span as <c>42 s</c>, <c>7 min 05 s</c> or <c>1 h 02 min</c>.</summary>
    public static string Duration(TimeSpan span)
        => span.TotalHours >= 1 ? Invariant($"{(int)span.TotalHours} h {span.Minutes:00} min")
            : span.TotalMinutes >= 1 ? Invariant($"{(int)span.TotalMinutes} min {span.Seconds:00} s")
            : Invariant($"{span.TotalSeconds:0} s");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
