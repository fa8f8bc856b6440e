using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Grid.Hosting;
using Grid.Streams;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Grid.Tests.Gateway;

/// <summary>
/// Back-pressure on the event endpoints: while a queue a batch would join holds an event that has waited three eighths
/// of <c>Grid:Ingest:MaxLag</c> (2 s here), the batch is answered 429 with <c>Retry-After</c> and none of it is stored;
/// from an eighth of it, a share of such batches is. The queues'
/// lag is what the durable queues report (measured against PostgreSQL in <c>StreamQueueLagTests</c>); here it is set
/// by the test, on the dev-mode process with everything else real. A queue nobody reads (it is changing hands) takes
/// batches for up to <c>Grid:Ingest:MaxUnread</c> (10 s), then refuses them with 503.
/// </summary>
[Trait("Category", "Gateway")]
public sealed class IngestBackPressureTests : IClassFixture<IngestBackPressureTests.BehindFactory>
{
    private readonly BehindFactory _factory;
    private readonly HttpClient _client;

    public IngestBackPressureTests(BehindFactory factory)
    {
        _factory = factory;
        factory.Lag.Reset();
        _client = factory.CreateClient();
    }

    [Fact]
    public async Task A_batch_for_a_queue_that_is_behind_is_refused_with_429_and_Retry_After()
    {
        var sku = TestIds.New("SKU");
        _factory.Lag.Behind(_factory.StreamOf(sku), TimeSpan.FromSeconds(5.5));

        using var response = await _client.PostEventsAsync(GridHttp.Receipt(sku, 10));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        var problem = await response.ReadJsonAsync();
        Assert.Equal("Grid is behind applying events.", problem.GetProperty("title").GetString());
        Assert.Equal(5.5, problem.GetProperty("lagSeconds").GetDouble());
        Assert.Contains("Grid:Ingest:MaxLag", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_of_a_refused_batch_is_stored()
    {
        var sku = TestIds.New("SKU");
        var other = TestIds.New("SKU");
        _factory.Lag.Behind(_factory.StreamOf(sku), TimeSpan.FromSeconds(10));

        using (var refused = await _client.PostEventsAsync(GridHttp.Receipt(other, 7), GridHttp.Receipt(sku, 10)))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        _factory.Lag.CaughtUp(_factory.StreamOf(sku));
        await _client.SendEventsAsync(GridHttp.Receipt(sku, 1), GridHttp.Receipt(other, 2));

        Assert.Equal(1, await _client.AvailableAsync(sku));
        Assert.Equal(2, await _client.AvailableAsync(other));
    }

    [Fact]
    public async Task A_batch_whose_queues_keep_up_is_accepted_while_another_queue_is_behind()
    {
        var behind = TestIds.New("SKU");
        var sku = FreshSkuOnAnotherQueueThan(behind);
        _factory.Lag.Behind(_factory.StreamOf(behind), TimeSpan.FromSeconds(30));

        var result = await _client.SendEventsAsync(GridHttp.Receipt(sku, 3));

        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        Assert.Equal(3, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task A_queue_behind_by_less_than_an_eighth_of_MaxLag_takes_every_batch()
    {
        var sku = TestIds.New("SKU");
        _factory.Lag.Behind(_factory.StreamOf(sku), TimeSpan.FromSeconds(0.2));

        for (var i = 0; i < 4; i++)
        {
            var result = await _client.SendEventsAsync(GridHttp.Receipt(sku, 1));
            Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        }

        Assert.Equal(4, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task Between_an_eighth_and_three_eighths_of_MaxLag_a_share_of_batches_is_refused_growing_with_the_lag()
    {
        var sku = TestIds.New("SKU");
        await _client.SendEventsAsync(GridHttp.Receipt(FreshSkuOnAnotherQueueThan(sku), 1));
        _factory.Lag.Behind(_factory.StreamOf(sku), TimeSpan.FromSeconds(0.5));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await _client.PostEventsAsync(GridHttp.Receipt(sku, 1));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(4, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(4, statuses.Count(s => s == HttpStatusCode.Accepted));
        await Eventually.ThatAsync(async () => await _client.AvailableAsync(sku) == 4, $"the 4 receipts taken to be applied to {sku}");
    }

    [Fact]
    public async Task A_supplier_batch_for_a_queue_that_is_behind_is_refused_with_429()
    {
        var sku = TestIds.New("SKU");
        _factory.Lag.Behind(_factory.StreamOf(sku), TimeSpan.FromSeconds(1.5));
        var acknowledgement = new Dictionary<string, object?>
        {
            ["eventId"] = TestIds.New("SUP"),
            ["source"] = "supplier-test",
            ["occurredAt"] = DateTimeOffset.UtcNow,
            ["type"] = "poAcknowledged",
            ["poId"] = TestIds.New("PO"),
            ["lines"] = new[] { new { sku, location = GridHttp.Dc1, quantity = 5, eta = DateTimeOffset.UtcNow.AddDays(3) } },
        };

        using var response = await _client.PostAsJsonAsync("/api/v1/supplier/events", new { events = new[] { acknowledgement } });

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task A_queue_changing_hands_takes_batches_while_its_events_wait_for_the_next_silo()
    {
        var sku = TestIds.New("SKU");
        _factory.Lag.Unread(_factory.StreamOf(sku), TimeSpan.FromSeconds(4), behind: TimeSpan.FromSeconds(0.1));

        var result = await _client.SendEventsAsync(GridHttp.Receipt(sku, 5));

        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        Assert.Equal(5, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task A_batch_for_a_queue_unread_longer_than_MaxUnread_is_refused_with_503_and_Retry_After()
    {
        var sku = TestIds.New("SKU");
        _factory.Lag.Unread(_factory.StreamOf(sku), TimeSpan.FromSeconds(12));

        using var response = await _client.PostEventsAsync(GridHttp.Receipt(sku, 10));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        var problem = await response.ReadJsonAsync();
        Assert.Equal("Events are not being applied.", problem.GetProperty("title").GetString());
        Assert.Equal(12, problem.GetProperty("unreadSeconds").GetDouble());
        Assert.Contains("Grid:Ingest:MaxUnread", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await _client.AvailableAsync(sku));
    }

    [Fact]
    public async Task Lag_figures_too_old_to_trust_refuse_nothing()
    {
        var sku = TestIds.New("SKU");
        _factory.Lag.Behind(_factory.StreamOf(sku), TimeSpan.FromSeconds(30));
        _factory.Lag.MeasuredAt = DateTimeOffset.UtcNow.AddMinutes(-1);

        var result = await _client.SendEventsAsync(GridHttp.Receipt(sku, 6));

        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
    }

    private string FreshSkuOnAnotherQueueThan(string sku)
    {
        while (true)
        {
            var candidate = TestIds.New("SKU");
            if (!_factory.StreamOf(candidate).Equals(_factory.StreamOf(sku)))
            {
                return candidate;
            }
        }
    }

    /// <summary>The dev-mode process with lag figures the tests set, and MaxLag 2 s.</summary>
    public sealed class BehindFactory : GridApiFactory
    {
        public SetLag Lag { get; } = new();

        public StreamId StreamOf(string sku)
            => StreamId.Create(GridStreams.Inventory, GridStreams.InventoryPartition(
                $"{sku}@{GridHttp.Dc1}", Services.GetRequiredService<IOptions<GridStreamOptions>>().Value.QueueCount));

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Grid:Ingest:MaxLag", "00:00:02");
            builder.ConfigureTestServices(services => services.AddKeyedSingleton<IStreamQueueLag>(GridStreams.ProviderName, Lag));
        }
    }

    /// <summary>Lag per stream as a test sets it; measured "now" unless a test says otherwise.</summary>
    public sealed class SetLag : IStreamQueueLag
    {
        private readonly ConcurrentDictionary<StreamId, QueueLag> _lag = new();

        public DateTimeOffset? MeasuredAt
        {
            get => field ?? DateTimeOffset.UtcNow;
            set;
        }

        public void Behind(StreamId stream, TimeSpan lag) => _lag[stream] = new QueueLag(lag, TimeSpan.Zero);

        /// <summary>The queue has not been read for <paramref name="unread"/>, having been <paramref name="behind"/> when it stopped.</summary>
        public void Unread(StreamId stream, TimeSpan unread, TimeSpan behind = default) => _lag[stream] = new QueueLag(behind, unread);

        public void CaughtUp(StreamId stream) => _lag.TryRemove(stream, out _);

        public void Reset()
        {
            _lag.Clear();
            MeasuredAt = null;
        }

        public Task RefreshAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public TimeSpan Oldest => _lag.Values.Select(l => l.Behind + l.Unread).DefaultIfEmpty(TimeSpan.Zero).Max();

        public QueueLag LagOf(StreamId stream) => _lag.GetValueOrDefault(stream);
    }
}
