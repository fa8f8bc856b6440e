using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grid.Tests.Gateway;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Xunit.Abstractions;

namespace Grid.Tests.Outbound;

/// <summary>
/// What a 10,000-line stock snapshot costs: the wall time of its POST and the largest grain state row written for it
/// (its System.Text.Json bytes, the form PostgreSQL stores). No row may grow with the whole snapshot's detail.
/// </summary>
[Trait("Category", "Gateway")]
public sealed class ReconciliationScaleTests(ReconciliationScaleTests.MeasuredFactory factory, ITestOutputHelper output)
    : IClassFixture<ReconciliationScaleTests.MeasuredFactory>
{
    private const int Lines = 10_000;

    /// <summary>The outbound process whose <c>grid</c> grain storage notes the size of every state it writes.</summary>
    public sealed class MeasuredFactory : OutboundApiFactory
    {
        public ConcurrentDictionary<string, long> LargestWrite { get; } = new(StringComparer.Ordinal);

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                var grid = services.Last(d => d.ServiceType == typeof(IGrainStorage) && d.IsKeyedService && Equals(d.ServiceKey, "grid"));
                services.AddKeyedSingleton<IGrainStorage>("grid", (s, key) => new MeasuringStorage((IGrainStorage)grid.KeyedImplementationFactory!(s, key), LargestWrite));
            });
        }
    }

    private sealed class MeasuringStorage(IGrainStorage inner, ConcurrentDictionary<string, long> largest) : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(grainState.State).LongLength;
            largest.AddOrUpdate(grainId.Type.ToString()!, bytes, (_, was) => Math.Max(was, bytes));
            return inner.WriteStateAsync(stateName, grainId, grainState);
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
    }

    [Fact]
    public async Task A_ten_thousand_line_snapshot_writes_no_state_row_near_the_size_of_its_detail()
    {
        var client = factory.CreateClient();
        var (tag, location) = (TestIds.Tag(), $"BIG-{TestIds.Tag()}");
        // Grid holds none of these SKUs: every line differs, the most a snapshot can report and publish.
        var snapshot = new
        {
            snapshotId = TestIds.New("SNAP"),
            location,
            takenAt = DateTimeOffset.UtcNow,
            items = Enumerable.Range(0, Lines).Select(i => new { sku = $"SKU-{tag}-{i:D5}", onHand = 1L + (i % 7) }).ToArray(),
        };
        factory.LargestWrite.Clear();

        var watch = Stopwatch.StartNew();
        using var response = await client.PostAsJsonAsync("/api/v1/erp/stock-snapshots", snapshot);
        watch.Stop();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var report = await response.ReadJsonAsync();
        Assert.Equal(Lines, report.GetProperty("discrepancies").GetArrayLength());
        var rows = factory.LargestWrite.Where(r => r.Key.Contains("reconciliation", StringComparison.Ordinal)).OrderByDescending(r => r.Value).ToList();
        output.WriteLine($"POST of {Lines} lines: {watch.ElapsedMilliseconds} ms; largest state rows written (JSON bytes): {string.Join(", ", rows.Select(r => $"{r.Key} {r.Value}"))}");
        Assert.InRange(rows[0].Value, 1, 2_000_000);
    }
}
