using System.Net;
using System.Text.Json;
using Grid.Tests.Gateway;
using Grid.Tests.Outbound;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Grid.Tests.Kpis;

/// <summary>
/// Given the dev-mode process on a clock the tests move on (<see cref="ShiftedClock"/>), whose outbound target <c>erp</c> (order events) points at a real local
/// <see cref="WebhookReceiver"/>, and whose SLA watch is off (so that nothing raises exceptions on its own while the
/// clock jumps). Durations measured across a jump are the jump give or take the real time the steps took, which the
/// KPIs' two significant figures absorb for jumps of minutes. Each test starts on a history of its own with <see cref="FreshHistoryAsync"/>.
/// </summary>
public sealed class KpiApiFactory : GridApiFactory, IAsyncLifetime
{
    public ShiftedClock Clock { get; } = new();

    public WebhookReceiver Receiver { get; private set; } = null!;

    public async Task InitializeAsync() => Receiver = await WebhookReceiver.StartAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Receiver.DisposeAsync();
    }

    /// <summary>
    /// Once every outbound event of earlier tests is delivered, moves the clock eight days on, to the start of an hour:
    /// the seven days of history any window reads hold nothing that earlier tests recorded. Answers that time.
    /// </summary>
    public async Task<DateTimeOffset> FreshHistoryAsync(HttpClient client)
    {
        await Eventually.ThatAsync(async () =>
        {
            using var response = await client.GetAsync(new Uri("/api/v1/ops/outbox", UriKind.Relative));
            return (await response.ReadJsonAsync()).GetProperty("targets").EnumerateArray().All(t => t.GetProperty("depth").GetInt64() == 0);
        }, "earlier tests' outbound events delivered");

        var later = Clock.GetUtcNow().AddDays(8);
        var hour = new DateTimeOffset(later.Year, later.Month, later.Day, later.Hour, 0, 0, TimeSpan.Zero).AddHours(1);
        Clock.MoveTo(hour);
        return hour;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Grid:Outbound:Partitions", "2");
        builder.UseSetting("Grid:Outbound:PollInterval", "00:00:00.050");
        builder.UseSetting("Grid:Outbound:Targets:erp:Url", Receiver.Url("erp"));
        builder.UseSetting("Grid:Outbound:Targets:erp:Secret", WebhookReceiver.Secret);
        builder.UseSetting("Grid:Outbound:Targets:erp:EventTypes:0", "grid.order.*");
        builder.UseSetting("Grid:Outbound:Targets:erp:BatchSize", "1");
        builder.UseSetting("Grid:Outbound:Targets:erp:MaxRequestsPerSecond", "1000");
        foreach (var status in new[] { "Submitted", "Accepted", "OnHold", "PartiallyBackordered", "Backordered", "Released", "Picking", "PartiallyShipped", "Shipped", "Delivered" })
        {
            builder.UseSetting($"Grid:Orders:Sla:{status}", "00:00:00");
        }

        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
        });
    }
}

[CollectionDefinition(Name)]
public sealed class KpiApiCollection : ICollectionFixture<KpiApiFactory>
{
    public const string Name = "KPIs over HTTP on a fake clock";
}

internal static class KpiHttp
{
    public static async Task<JsonElement> GetKpisAsync(this HttpClient client, string window = "24h")
    {
        using var response = await client.GetAsync(new Uri($"/api/v1/ops/kpis?window={window}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    /// <summary>Reads the KPIs until <paramref name="done"/> holds: facts reach the history a moment after the change that caused them.</summary>
    public static Task<JsonElement> KpisWhenAsync(this HttpClient client, Func<JsonElement, bool> done, string what, string window = "24h")
        => Eventually.ReadAsync(() => client.GetKpisAsync(window), done, what);

    public static double? Number(this JsonElement e, string name)
        => e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : e.GetProperty(name).GetDouble();
}
