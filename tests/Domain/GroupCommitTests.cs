using Grid.Infrastructure;

namespace Grid.Tests.Domain;

/// <summary>The write-batching rule, with a storage write that the test completes by hand.</summary>
[Trait("Category", "Domain")]
public sealed class GroupCommitTests
{
    private readonly List<TaskCompletionSource> _writes = [];
    private readonly GroupCommit _commits;

    public GroupCommitTests()
    {
        _commits = new GroupCommit(() =>
        {
            var write = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _writes.Add(write);
            return write.Task;
        });
    }

    [Fact]
    public void Nothing_changed_is_durable_at_once()
    {
        Assert.True(_commits.WhenDurable().IsCompletedSuccessfully);
        Assert.Empty(_writes);
    }

    [Fact]
    public async Task A_change_is_acknowledged_only_after_its_write_commits()
    {
        _commits.MarkChanged();
        var acknowledged = _commits.WhenDurable();

        Assert.False(acknowledged.IsCompleted);
        _writes[0].SetResult();
        await acknowledged;
        Assert.Equal(1, _commits.WriteCount);
    }

    [Fact]
    public async Task Changes_made_during_a_write_wait_for_the_next_one_and_share_it()
    {
        _commits.MarkChanged();
        var first = _commits.WhenDurable();
        var during = new List<Task>();
        for (var i = 0; i < 100; i++)
        {
            _commits.MarkChanged();
            during.Add(_commits.WhenDurable());
        }

        _writes[0].SetResult();
        await first;
        Assert.All(during, t => Assert.False(t.IsCompleted));

        await WaitForWrite(2);
        _writes[1].SetResult();
        await Task.WhenAll(during);
        Assert.Equal(2, _commits.WriteCount);
    }

    [Fact]
    public async Task A_caller_with_no_change_of_its_own_still_waits_for_changes_in_flight()
    {
        _commits.MarkChanged();
        var writer = _commits.WhenDurable();

        var reader = _commits.WhenDurable();

        Assert.False(reader.IsCompleted);
        _writes[0].SetResult();
        await Task.WhenAll(writer, reader);
    }

    [Fact]
    public async Task A_failed_write_fails_its_callers_and_every_later_one()
    {
        _commits.MarkChanged();
        var inFlight = _commits.WhenDurable();
        _commits.MarkChanged();
        var queued = _commits.WhenDurable();

        _writes[0].SetException(new InvalidOperationException("disk full"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => inFlight);
        await Assert.ThrowsAsync<InvalidOperationException>(() => queued);
        _commits.MarkChanged();
        await Assert.ThrowsAsync<InvalidOperationException>(() => _commits.WhenDurable());
        Assert.True(_commits.HasFailed);
    }

    private async Task WaitForWrite(int count)
    {
        for (var i = 0; i < 100 && _writes.Count < count; i++)
        {
            await Task.Yield();
        }

        Assert.Equal(count, _writes.Count);
    }
}
