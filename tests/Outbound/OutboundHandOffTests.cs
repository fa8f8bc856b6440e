using System.Collections.Immutable;
using Grid.Outbound;

namespace Grid.Tests.Outbound;

/// <summary>A silo's availability hand-offs gathered per publisher, with publisher calls the test answers by hand.</summary>
[Trait("Category", "Unit")]
public sealed class OutboundHandOffTests : IAsyncLifetime
{
    private readonly List<(string Key, ImmutableArray<OutboundEvent> Events, TaskCompletionSource<AcceptResult> Answer)> _calls = [];
    private readonly Lock _gate = new();
    private readonly OutboundHandOff _handOff;

    public OutboundHandOffTests()
    {
        _handOff = new OutboundHandOff((key, events) =>
        {
            var answer = new TaskCompletionSource<AcceptResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                _calls.Add((key, events, answer));
            }

            return answer.Task;
        });
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        lock (_gate)
        {
            _calls.ForEach(c => c.Answer.TrySetResult(Accepted(c.Events.Length)));
        }

        await _handOff.DisposeAsync();
    }

    [Fact]
    public async Task An_event_alone_goes_to_its_publisher_at_once()
    {
        var handed = _handOff.AcceptAsync("erp", 2, Event("SKU-1@DC1"));

        var call = await Eventually.ValueAsync(() => Call(0), "the publisher call");
        Assert.Equal("erp/2", call.Key);
        Assert.Equal(["SKU-1@DC1"], call.Events.Select(e => e.Subject));
        call.Answer.SetResult(Accepted(1));
        Assert.Equal(AcceptCode.Accepted, (await handed).Code);
    }

    [Fact]
    public async Task Events_that_arrive_while_a_call_is_out_go_together_in_the_next_call()
    {
        var first = _handOff.AcceptAsync("erp", 0, Event("SKU-1@DC1"));
        var busy = await Eventually.ValueAsync(() => Call(0), "the first call");
        var waiting = Enumerable.Range(2, 4).Select(n => _handOff.AcceptAsync("erp", 0, Event($"SKU-{n}@DC1"))).ToArray();

        busy.Answer.SetResult(Accepted(1));
        var next = await Eventually.ValueAsync(() => Call(1), "the second call");
        Assert.Equal(["SKU-2@DC1", "SKU-3@DC1", "SKU-4@DC1", "SKU-5@DC1"], next.Events.Select(e => e.Subject));
        Assert.False(waiting.Any(w => w.IsCompleted), "no hand-off is answered before its publisher has the event");
        next.Answer.SetResult(Accepted(4));
        await Task.WhenAll(waiting);
        await first;
    }

    [Fact]
    public async Task A_busy_publisher_does_not_hold_back_another()
    {
        _ = _handOff.AcceptAsync("erp", 0, Event("SKU-1@DC1"));
        await Eventually.ValueAsync(() => Call(0), "the call to erp/0");

        var other = _handOff.AcceptAsync("crm", 0, Event("SKU-1@DC1"));
        var call = await Eventually.ValueAsync(() => Call(1), "the call to crm/0");
        Assert.Equal("crm/0", call.Key);
        call.Answer.SetResult(Accepted(1));
        await other;
    }

    [Fact]
    public async Task A_failed_call_fails_every_hand_off_it_carried()
    {
        var handed = _handOff.AcceptAsync("erp", 0, Event("SKU-1@DC1"));
        var call = await Eventually.ValueAsync(() => Call(0), "the publisher call");

        call.Answer.SetException(new TimeoutException("the publisher did not answer"));
        await Assert.ThrowsAsync<TimeoutException>(() => handed);
    }

    private (string Key, ImmutableArray<OutboundEvent> Events, TaskCompletionSource<AcceptResult> Answer)? Call(int index)
    {
        lock (_gate)
        {
            return _calls.Count > index ? _calls[index] : null;
        }
    }

    private static OutboundEvent Event(string subject) => new(
        TestIds.New("evt"), "grid.inventory.availability.changed.v1", subject, DateTimeOffset.UnixEpoch, 1, "{}");

    private static AcceptResult Accepted(int queued) => new(AcceptCode.Accepted, queued, 0, 0);
}
