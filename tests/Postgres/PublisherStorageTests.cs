using Grid.Domain.Outbound;
using Grid.Silo.Storage;
using Npgsql;
using Orleans.Storage;

namespace Grid.Tests.Postgres;

/// <summary>Given the schema: an outbound publisher is stored as rows, each write carrying what changed.</summary>
[Trait("Category", "Postgres")]
public sealed class PublisherStorageTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);
    private static readonly RetryPolicy Policy = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), MaxAttempts: 2, MaxAge: TimeSpan.FromHours(1));
    private static readonly Retention Keep = new(3, TimeSpan.FromDays(1));

    private readonly PostgresDatabase _database = new();
    private readonly LegacyDocuments _legacy = new();
    private NpgsqlDataSource _dataSource = null!;
    private PostgresPublisherStorage _storage = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _dataSource = NpgsqlDataSource.Create(_database.ConnectionString);
        _storage = new PostgresPublisherStorage(_dataSource, "publisher-tests", _legacy);
    }

    public async Task DisposeAsync()
    {
        await _storage.DisposeAsync();
        await _database.DisposeAsync();
    }

    private static GrainId Key(string key) => GrainId.Create("publisher", key);

    private static OutgoingEvent Event(string subject, long sourceSequence)
        => new($"{subject}#{sourceSequence}", "grid.order.accepted.v1", subject, T0, sourceSequence, $$"""{"n":{{sourceSequence}}}""");

    private async Task<GrainState<PublisherQueue>> ReadAsync(string key)
    {
        var state = new GrainState<PublisherQueue>();
        await _storage.ReadStateAsync("outbound-publisher", Key(key), state);
        return state;
    }

    private Task WriteAsync(string key, GrainState<PublisherQueue> state) => _storage.WriteStateAsync("outbound-publisher", Key(key), state);

    [Fact]
    public async Task What_is_written_reads_back_across_accepts_deliveries_dead_letters_and_pruning()
    {
        var state = await ReadAsync("erp/0");
        var queue = state.State!;
        for (var n = 1; n <= 6; n++)
        {
            queue.Accept([Event($"order/{n}", 1), Event($"order/{n}", 2)], T0);
            await WriteAsync("erp/0", state);
        }

        foreach (var delivery in queue.TakeDue(T0, 10).OrderBy(d => d.Queued.Event.Subject))
        {
            queue.Complete(delivery, delivery.Queued.Event.Subject == "order/6" ? new AttemptResult(400, null, null, TimeSpan.Zero) : new AttemptResult(200, null, null, TimeSpan.Zero), T0, Policy, Keep, 0.5);
        }

        await WriteAsync("erp/0", state);

        var read = (await ReadAsync("erp/0")).State!;
        Assert.Equal((queue.Depth, queue.DeliveredCount, 1), (read.Depth, read.DeliveredCount, read.DeadLetters.Count));
        Assert.Equal(queue.Retained.Select(r => (r.Event.Subject, r.Sequence)), read.Retained.Select(r => (r.Event.Subject, r.Sequence)));
        Assert.Equal(6, read.Accept(Enumerable.Range(1, 6).Select(n => Event($"order/{n}", 2)), T0).Duplicates);
        Assert.Equal(1, read.Accept([Event("order/1", 3)], T0).Queued);
    }

    [Fact]
    public async Task A_write_from_an_activation_that_read_an_older_version_is_refused()
    {
        var first = await ReadAsync("erp/1");
        first.State!.Accept([Event("order/1", 1)], T0);
        await WriteAsync("erp/1", first);
        var stale = new GrainState<PublisherQueue>(new PublisherQueue(), first.ETag);
        await WriteAsync("erp/1", first);

        stale.State!.Accept([Event("order/2", 1)], T0);
        await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync("erp/1", stale));
        Assert.Equal(1, (await ReadAsync("erp/1")).State!.Depth);
    }

    [Fact]
    public async Task A_publisher_stored_as_one_document_before_schema_10_is_read_once_and_moved_to_rows()
    {
        var old = new PublisherQueue();
        old.Accept([Event("order/1", 1), Event("order/2", 1)], T0);
        _legacy.Documents["erp/2"] = (old, "7");

        var state = await ReadAsync("erp/2");
        Assert.Equal(2, state.State!.Depth);
        await WriteAsync("erp/2", state);

        Assert.Empty(_legacy.Documents);
        Assert.Equal(["7"], _legacy.ClearedETags);
        Assert.Equal(2, (await ReadAsync("erp/2")).State!.Depth);
    }

    /// <summary>The grain-state storage publishers used before schema 10, holding whole documents.</summary>
    private sealed class LegacyDocuments : IGrainStorage
    {
        public Dictionary<string, (PublisherQueue Queue, string ETag)> Documents { get; } = [];

        public List<string?> ClearedETags { get; } = [];

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (Documents.TryGetValue(grainId.Key.ToString()!, out var stored))
            {
                grainState.State = (T)(object)stored.Queue;
                grainState.ETag = stored.ETag;
                grainState.RecordExists = true;
            }

            return Task.CompletedTask;
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => throw new InvalidOperationException("Publishers no longer write documents.");

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            ClearedETags.Add(grainState.ETag);
            Documents.Remove(grainId.Key.ToString()!);
            return Task.CompletedTask;
        }
    }
}
