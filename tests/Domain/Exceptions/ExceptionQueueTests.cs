using System.Text.Json;
using Grid.Domain.Exceptions;
using Grid.Domain.Outbound;

namespace Grid.Tests.Domain.Exceptions;

/// <summary>The life of an exception in one partition of the queue: opened, coalesced, acknowledged, assigned, resolved, reopened.</summary>
[Trait("Category", "Domain")]
public sealed class ExceptionQueueTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ExceptionPartition _partition = new(3);

    [Fact]
    public void A_first_report_opens_an_exception_with_the_kinds_severity_and_tells_the_systems()
    {
        var (outcome, e) = _partition.Report(ShortPick("O-1", "src-1"), T0);

        Assert.Equal(ReportOutcome.Opened, outcome);
        Assert.Equal(("3-1", ExceptionState.Open, ExceptionSeverity.Error, 1), (e.Id, e.State, e.Severity, e.Count));
        Assert.Equal((T0, T0), (e.FirstSeenAt, e.LastSeenAt));
        var opened = Assert.Single(_partition.Outbox.Entries).Event;
        Assert.Equal(("grid.exception.opened.v1", "exception/3-1"), (opened.Type, opened.Subject));
        Assert.Equal("shortPick", JsonDocument.Parse(opened.Data).RootElement.GetProperty("kind").GetString());
    }

    [Fact]
    public void A_repeat_while_unresolved_is_counted_into_the_same_exception_with_its_latest_detail()
    {
        _partition.Report(ShortPick("O-1", "src-1"), T0);

        var (outcome, e) = _partition.Report(ShortPick("O-1", "src-2", "second short pick") with { At = T0.AddMinutes(5) }, T0.AddMinutes(5));

        Assert.Equal(ReportOutcome.Coalesced, outcome);
        Assert.Equal(("3-1", 2, T0, T0.AddMinutes(5), "second short pick"), (e.Id, e.Count, e.FirstSeenAt, e.LastSeenAt, e.Detail));
        Assert.Single(_partition.Items);
        Assert.Single(_partition.Outbox.Entries);
    }

    [Fact]
    public void The_same_occurrence_reported_twice_is_counted_once()
    {
        _partition.Report(ShortPick("O-1", "src-1"), T0);

        var (outcome, e) = _partition.Report(ShortPick("O-1", "src-1"), T0.AddMinutes(1));

        Assert.Equal((ReportOutcome.Repeated, 1), (outcome, e.Count));
    }

    [Fact]
    public void Another_subject_or_line_is_another_exception()
    {
        _partition.Report(ShortPick("O-1", "a"), T0);
        _partition.Report(ShortPick("O-2", "b"), T0);
        _partition.Report(ShortPick("O-1", "c") with { Discriminator = "L2" }, T0);

        Assert.Equal(3, _partition.Items.Count);
    }

    [Fact]
    public void Acknowledging_names_who_and_when_and_a_repeat_by_the_same_person_answers_the_same()
    {
        var id = Open();

        var first = _partition.Acknowledge(id, "alice", T0.AddMinutes(1));
        var again = _partition.Acknowledge(id, "alice", T0.AddMinutes(2));

        Assert.Equal(ExceptionResultCode.Ok, first.Code);
        Assert.Equal((ExceptionState.Acknowledged, "alice", T0.AddMinutes(1)), (first.Exception!.State, first.Exception.AcknowledgedBy, first.Exception.AcknowledgedAt));
        Assert.Same(first.Exception, again.Exception);
    }

    [Fact]
    public void Acknowledging_what_someone_else_acknowledged_is_a_conflict_naming_them()
    {
        var id = Open();
        _partition.Acknowledge(id, "alice", T0);

        var outcome = _partition.Acknowledge(id, "bob", T0);

        Assert.Equal(ExceptionResultCode.Conflict, outcome.Code);
        Assert.Contains("alice", outcome.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Assigning_an_open_exception_acknowledges_it_for_the_assignee()
    {
        var id = Open();

        var e = _partition.Assign(id, "bob", "alice", T0.AddMinutes(1)).Exception!;

        Assert.Equal(("bob", ExceptionState.Acknowledged, "alice"), (e.AssignedTo, e.State, e.AcknowledgedBy));
    }

    [Fact]
    public void Resolving_keeps_who_and_the_note_and_tells_the_systems()
    {
        var id = Open();

        var e = _partition.Resolve(id, "alice", "put away and adjusted", T0.AddHours(1)).Exception!;

        Assert.Equal((ExceptionState.Resolved, "alice", "put away and adjusted", T0.AddHours(1)), (e.State, e.ResolvedBy, e.Resolution, e.ResolvedAt));
        Assert.Equal(["grid.exception.opened.v1", "grid.exception.resolved.v1"], _partition.Outbox.Entries.Select(x => x.Event.Type));
    }

    [Fact]
    public void A_resolved_exception_cannot_be_acknowledged_assigned_or_resolved_again_by_another()
    {
        var id = Open();
        _partition.Resolve(id, "alice", "done", T0);

        Assert.Equal(ExceptionResultCode.Conflict, _partition.Acknowledge(id, "bob", T0).Code);
        Assert.Equal(ExceptionResultCode.Conflict, _partition.Assign(id, "bob", "bob", T0).Code);
        Assert.Equal(ExceptionResultCode.Conflict, _partition.Resolve(id, "bob", "me too", T0).Code);
        Assert.Equal(ExceptionResultCode.Ok, _partition.Resolve(id, "alice", "done", T0).Code);
    }

    [Fact]
    public void An_open_exception_cannot_be_reopened()
        => Assert.Equal(ExceptionResultCode.Conflict, _partition.Reopen(Open(), "alice", T0).Code);

    [Fact]
    public void Reopening_makes_a_resolved_exception_open_again_and_tells_the_systems()
    {
        var id = Open();
        _partition.Acknowledge(id, "alice", T0);
        _partition.Resolve(id, "alice", "done", T0);

        var e = _partition.Reopen(id, "bob", T0.AddHours(2)).Exception!;

        Assert.Equal((ExceptionState.Open, null, null, (string?)null), (e.State, e.AcknowledgedBy, e.ResolvedBy, e.Resolution));
        var reopened = _partition.Outbox.Entries[^1].Event;
        Assert.Equal("grid.exception.opened.v1", reopened.Type);
        Assert.Equal("bob", JsonDocument.Parse(reopened.Data).RootElement.GetProperty("reopenedBy").GetString());
        Assert.Equal(ReportOutcome.Coalesced, _partition.Report(ShortPick("O-1", "src-9"), T0.AddHours(3)).Outcome);
    }

    [Fact]
    public void After_resolution_the_condition_coming_back_opens_a_new_exception()
    {
        var id = Open();
        _partition.Resolve(id, "alice", "done", T0);

        var (outcome, e) = _partition.Report(ShortPick("O-1", "src-2"), T0.AddHours(1));

        Assert.Equal((ReportOutcome.Opened, "3-2"), (outcome, e.Id));
    }

    [Fact]
    public void Reopening_while_the_condition_came_back_as_another_exception_is_a_conflict_naming_it()
    {
        var id = Open();
        _partition.Resolve(id, "alice", "done", T0);
        _partition.Report(ShortPick("O-1", "src-2"), T0.AddHours(1));

        var outcome = _partition.Reopen(id, "bob", T0.AddHours(2));

        Assert.Equal(ExceptionResultCode.Conflict, outcome.Code);
        Assert.Contains("3-2", outcome.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_condition_that_clears_resolves_its_exception_by_the_system()
    {
        _partition.Report(NegativeOnHand("SKU-1@DC1", "check/1"), T0);

        var resolved = _partition.Clear(new ExceptionClearance(ExceptionKind.NegativeOnHand, SkuLocation("SKU-1@DC1"), "on hand back", T0.AddMinutes(3)), T0.AddMinutes(3));

        Assert.Equal((ExceptionState.Resolved, ExceptionRules.System, "on hand back"), (resolved!.State, resolved.ResolvedBy, resolved.Resolution));
        Assert.Null(_partition.Clear(new ExceptionClearance(ExceptionKind.NegativeOnHand, SkuLocation("SKU-1@DC1"), "again", T0), T0));
    }

    [Fact]
    public void Unknown_ids_are_not_found()
        => Assert.Equal(ExceptionResultCode.NotFound, _partition.Acknowledge("3-99", "alice", T0).Code);

    [Fact]
    public void Only_the_latest_resolved_exceptions_are_kept_while_open_ones_all_stay()
    {
        var partition = new ExceptionPartition(0) { ResolvedLimit = 2 };
        var open = partition.Report(ShortPick("O-open", "x"), T0).Exception.Id;
        for (var i = 0; i < 4; i++)
        {
            var id = partition.Report(ShortPick($"O-{i}", $"s{i}"), T0).Exception.Id;
            partition.Resolve(id, "alice", "done", T0.AddMinutes(i));
        }

        Assert.Equal([open, "0-4", "0-5"], partition.Items.Select(e => e.Id));
        Assert.NotNull(partition.Find("0-5"));
        Assert.Null(partition.Find("0-2"));
    }

    [Fact]
    public void The_list_is_newest_first_and_a_cursor_continues_after_its_position()
    {
        for (var i = 0; i < 5; i++)
        {
            _partition.Report(ShortPick($"O-{i}", $"s{i}") with { At = T0.AddMinutes(i) }, T0.AddMinutes(i));
        }

        var first = _partition.List(_ => true, null, 2);
        var cursor = ExceptionCursor.Decode(ExceptionCursor.Of(first[^1]).Encode());
        var second = _partition.List(_ => true, cursor, 10);

        Assert.Equal(["O-4", "O-3"], first.Select(e => e.Subject.Id));
        Assert.Equal(["O-2", "O-1", "O-0"], second.Select(e => e.Subject.Id));
    }

    [Theory]
    [InlineData("nonsense!")]
    [InlineData("MTIzOm5vLWlk")]
    public void A_cursor_this_list_did_not_give_is_refused(string cursor) => Assert.Null(ExceptionCursor.Decode(cursor));

    [Fact]
    public void A_partition_survives_its_storage_round_trip()
    {
        var id = Open();
        _partition.Acknowledge(id, "alice", T0);
        var json = JsonSerializer.Serialize(_partition, Json);

        var restored = JsonSerializer.Deserialize<ExceptionPartition>(json, Json)!;

        Assert.Equal(_partition.Items, restored.Items, (a, b) => a.Id == b.Id && a.State == b.State && a.RecentSources.SequenceEqual(b.RecentSources));
        Assert.Equal(ReportOutcome.Repeated, restored.Report(ShortPick("O-1", "src-1"), T0).Outcome);
        Assert.Equal("3-2", restored.Report(ShortPick("O-2", "x"), T0).Exception.Id);
    }

    [Fact]
    public void Keys_hash_to_the_same_partition_on_every_silo()
        => Assert.Equal(ExceptionKeys.PartitionOf("ShortPick|Order|O-1", 16), ExceptionKeys.PartitionOf(ShortPick("O-1", "x").Key, 16));

    [Fact]
    public void Order_subjects_publish_under_their_exception()
        => Assert.Equal("exception/3-1", OutboundSubjects.Exception("3-1"));

    private string Open() => _partition.Report(ShortPick("O-1", "src-1"), T0).Exception.Id;

    private static ExceptionReport ShortPick(string orderId, string sourceId, string detail = "short pick")
        => new(ExceptionKind.ShortPick, ExceptionRules.Order(orderId), detail, T0, sourceId);

    private static ExceptionReport NegativeOnHand(string key, string sourceId)
        => new(ExceptionKind.NegativeOnHand, SkuLocation(key), "on hand -2", T0, sourceId);

    private static ExceptionSubject SkuLocation(string key) => new(ExceptionSubjectType.SkuLocation, key);
}
