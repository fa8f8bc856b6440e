using Grid.Postgres;

namespace Grid.Tests.Infrastructure;

/// <summary>The batching of database round trips, with a round trip the test completes by hand.</summary>
[Trait("Category", "Unit")]
public sealed class RoundTripBatcherTests : IAsyncLifetime
{
    private readonly List<(IReadOnlyList<int> Requests, TaskCompletionSource<IReadOnlyList<string>> Answer)> _roundTrips = [];
    private readonly Lock _gate = new();
    private readonly RoundTripBatcher<int, string> _batcher;

    public RoundTripBatcherTests()
    {
        _batcher = new(requests =>
        {
            var answer = new TaskCompletionSource<IReadOnlyList<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                _roundTrips.Add(([.. requests], answer));
            }

            return answer.Task;
        }, concurrency: 1, maxBatch: 100);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        lock (_gate)
        {
            _roundTrips.ForEach(r => r.Answer.TrySetResult([.. r.Requests.Select(n => $"#{n}")]));
        }

        await _batcher.DisposeAsync();
    }

    [Fact]
    public async Task A_request_alone_goes_out_at_once()
    {
        var result = _batcher.SubmitAsync(1);

        var roundTrip = await Eventually.ValueAsync(() => RoundTrip(0), "round trip 1");
        Assert.Equal([1], roundTrip.Requests);
        roundTrip.Answer.SetResult(["one"]);
        Assert.Equal("one", await result);
    }

    [Fact]
    public async Task Requests_that_wait_behind_a_round_trip_share_the_next_one_and_each_gets_its_own_result()
    {
        var first = _batcher.SubmitAsync(1);
        var busy = await Eventually.ValueAsync(() => RoundTrip(0), "round trip 1");
        var waiting = Enumerable.Range(2, 5).Select(_batcher.SubmitAsync).ToArray();

        busy.Answer.SetResult(["1"]);
        var next = await Eventually.ValueAsync(() => RoundTrip(1), "round trip 2");
        Assert.Equal([2, 3, 4, 5, 6], next.Requests);
        next.Answer.SetResult(["2", "3", "4", "5", "6"]);

        Assert.Equal("1", await first);
        Assert.Equal(["2", "3", "4", "5", "6"], await Task.WhenAll(waiting));
    }

    [Fact]
    public async Task A_failed_round_trip_fails_every_request_it_carried()
    {
        var busy = _batcher.SubmitAsync(1);
        var roundTrip = await Eventually.ValueAsync(() => RoundTrip(0), "round trip 1");
        var waiting = new[] { _batcher.SubmitAsync(2), _batcher.SubmitAsync(3) };
        roundTrip.Answer.SetException(new InvalidOperationException("connection lost"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => busy);
        var next = await Eventually.ValueAsync(() => RoundTrip(1), "round trip 2");
        next.Answer.SetException(new TimeoutException("still down"));
        foreach (var request in waiting)
        {
            await Assert.ThrowsAsync<TimeoutException>(() => request);
        }
    }

    [Fact]
    public async Task A_round_trip_that_answers_the_wrong_number_of_results_fails_its_requests()
    {
        var result = _batcher.SubmitAsync(1);
        var roundTrip = await Eventually.ValueAsync(() => RoundTrip(0), "round trip 1");
        roundTrip.Answer.SetResult(["one", "two"]);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => result);
        Assert.Contains("1 requests answered 2 results", error.Message, StringComparison.Ordinal);
    }

    private (IReadOnlyList<int> Requests, TaskCompletionSource<IReadOnlyList<string>> Answer)? RoundTrip(int index)
    {
        lock (_gate)
        {
            return _roundTrips.Count > index ? _roundTrips[index] : null;
        }
    }
}
