using System.Net;
using System.Text;
using Grid.Streams;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Tests.Gateway;

/// <summary>
/// An import yields to live events: while the event queues are behind (<c>Grid:Imports:PauseAtLag</c>, 1 s) it applies
/// nothing, and it goes on once they catch up; it can be cancelled meanwhile. The queues' lag is set by the test, on the
/// dev-mode process with everything else real; the body limit is 2 KiB here.
/// </summary>
[Trait("Category", "Gateway")]
public sealed class ImportPacingTests : IClassFixture<ImportPacingTests.PacedFactory>
{
    private readonly PacedFactory _factory;
    private readonly HttpClient _client;

    public ImportPacingTests(PacedFactory factory)
    {
        _factory = factory;
        factory.Lag.Behind = TimeSpan.Zero;
        _client = factory.CreateClient();
    }

    [Fact]
    public async Task An_import_waits_while_the_event_queues_are_behind_and_goes_on_once_they_catch_up()
    {
        var sku = TestIds.New("SKU");
        _factory.Lag.Behind = TimeSpan.FromSeconds(3);
        using var response = await _client.PostImportAsync("stock", ImportHttp.Lines(new { sku, location = GridHttp.Dc1, countedQuantity = 9 }));
        var importId = (await response.ReadJsonAsync()).GetProperty("importId").GetString()!;
        var asked = _factory.Lag.Reads;

        // The import looked at the lag a few times, and each time waited.
        await Eventually.ThatAsync(() => Task.FromResult(_factory.Lag.Reads >= asked + 3), "the import to check the lag three times");
        var waiting = await _client.StatusAsync(importId);
        Assert.Equal(("queued", 0), (waiting.GetProperty("state").GetString(), waiting.GetProperty("appliedLines").GetInt32()));

        _factory.Lag.Behind = TimeSpan.Zero;
        var done = await _client.FinishedAsync(importId);

        Assert.Equal(("completed", 1), (done.GetProperty("state").GetString(), done.GetProperty("appliedLines").GetInt32()));
        Assert.Equal(9, (await _client.GetInventoryAsync(sku)).GetProperty("onHand").GetInt64());
    }

    [Fact]
    public async Task A_cancelled_import_applies_nothing_more()
    {
        var sku = TestIds.New("SKU");
        _factory.Lag.Behind = TimeSpan.FromSeconds(3);
        using var response = await _client.PostImportAsync("stock", ImportHttp.Lines(new { sku, location = GridHttp.Dc1, countedQuantity = 9 }));
        var importId = (await response.ReadJsonAsync()).GetProperty("importId").GetString()!;

        using var cancel = await _client.DeleteAsync(new Uri($"/api/v1/imports/{importId}", UriKind.Relative));
        _factory.Lag.Behind = TimeSpan.Zero;

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var status = await _client.StatusAsync(importId);
        Assert.Equal(("cancelled", 0), (status.GetProperty("state").GetString(), status.GetProperty("appliedLines").GetInt32()));
        Assert.Equal(0, (await _client.GetInventoryAsync(sku)).GetProperty("onHand").GetInt64());
    }

    [Fact]
    public async Task A_body_over_the_import_limit_answers_413()
    {
        var body = new StringBuilder();
        while (body.Length <= 2048)
        {
            body.AppendLine(ImportHttp.Lines(new { sku = TestIds.New("SKU"), location = GridHttp.Dc1, countedQuantity = 1 }));
        }

        using var response = await _client.PostImportAsync("stock", body.ToString());

        var problem = await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("Grid:Imports:MaxBodyBytes", problem.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_found_too_large_while_read_answers_413_and_starts_nothing()
    {
        var key = TestIds.New("IMPORT");
        var body = new StringBuilder();
        while (body.Length <= 4096)
        {
            body.AppendLine(ImportHttp.Lines(new { sku = TestIds.New("SKU"), location = GridHttp.Dc1, countedQuantity = 1 }));
        }

        // Sent chunked, without a length: the limit is found while the body is read, not from its headers.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports?kind=stock")
        {
            Content = new StringContent(body.ToString(), Encoding.UTF8, ImportHttp.Ndjson),
        };
        request.Headers.Add("Idempotency-Key", key);
        request.Headers.TransferEncodingChunked = true;
        using var response = await _client.SendAsync(request);

        var problem = await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("Grid:Imports:MaxBodyBytes", problem.GetRawText(), StringComparison.Ordinal);
        using var status = await _client.GetAsync(new Uri($"/api/v1/imports/{key}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
    }

    /// <summary>The dev-mode process with a queue lag the tests set, a 2 KiB import body limit and chunks of two lines.</summary>
    public sealed class PacedFactory : GridApiFactory
    {
        public SettableLag Lag { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Grid:Imports:MaxBodyBytes", "2048");
            builder.UseSetting("Grid:Imports:ChunkLines", "2");
            builder.ConfigureTestServices(services => services.AddKeyedSingleton<IStreamQueueLag>(GridStreams.ProviderName, Lag));
        }
    }

    /// <summary>One lag for every queue, as the test sets it, always just measured; counts how often it is read.</summary>
    public sealed class SettableLag : IStreamQueueLag
    {
        private int _reads;

        public TimeSpan Behind { get; set; }

        public int Reads => Volatile.Read(ref _reads);

        public DateTimeOffset? MeasuredAt => DateTimeOffset.UtcNow;

        public TimeSpan Oldest
        {
            get
            {
                Interlocked.Increment(ref _reads);
                return Behind;
            }
        }

        public Task RefreshAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public QueueLag LagOf(StreamId stream) => new(Behind, TimeSpan.Zero);
    }
}
