using System.Buffers;
using System.Collections.Immutable;
using System.Text.Json;
using Grid.Gateway.Feed;
using Grid.Gateway.Problems;
using Grid.Gateway.Security;
using Grid.Gateway.Validation;
using Grid.Inventory;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Grid.Gateway.Apis;

/// <summary>
/// Channel sync (docs/channel-sync.md): the availability change feed as pages (long-poll) or Server-Sent Events, and
/// the NDJSON export that names the feed cursor it is consistent with.
/// </summary>
public static class AvailabilityFeedApi
{
    public const string ExportPath = "/api/v1/availability/export";

    public const string CursorHeader = "Grid-Feed-Cursor";

    public const int DefaultLimit = 500;

    public const int MaxLimit = 5000;

    public const int DefaultWaitSeconds = 30;

    public const int MaxWaitSeconds = 60;

    public static RouteGroupBuilder MapAvailabilityFeedApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/availability").WithTags("Availability")
            .RequireGridRole(GridRoles.Sales, GridRoles.Crm, GridRoles.Ops);

        group.MapGet("/changes", GetChanges)
            .WithName("GetAvailabilityChanges")
            .WithSummary("The availability change feed: each SKU-location's latest change after a cursor, in order (long-poll)")
            .WithDescription($"`after` is the `cursor` of an earlier page or item (none: from the start). Waits up to `wait` seconds (default {DefaultWaitSeconds}, at most {MaxWaitSeconds}, 0: answer at once) "
                + $"while there is nothing new. `locations=A,B` restricts the locations, `channel` gives that channel's view, `limit` (default {DefaultLimit}, at most {MaxLimit}). "
                + "A cursor this feed cannot resume from (another database, a restarted dev process) is answered 410: take a new export and follow on from its cursor.")
            .ProducesProblem(StatusCodes.Status410Gone);

        group.MapGet("/stream", Stream)
            .WithName("StreamAvailabilityChanges")
            .WithSummary("The availability change feed as Server-Sent Events, resumed from Last-Event-ID")
            .WithDescription("Each `availability` event carries one change as JSON, with its cursor as the event id; a reconnecting client sends it back as `Last-Event-ID` "
                + "(or `after`). A `bookmark` event moves the cursor past changes the filter left out; a comment line keeps a quiet stream open every 15 s.")
            .Produces<AvailabilityChange>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status410Gone);

        group.MapGet("/export", Export)
            .WithName("ExportAvailability")
            .WithSummary("Every SKU-location's availability as NDJSON, with the feed cursor it is consistent with")
            .WithDescription($"One `AvailabilityChange` per line. The `{CursorHeader}` header (and each line's `cursor`) names the feed position the export is consistent with: "
                + "follow the feed from it and nothing is lost.")
            .Produces<AvailabilityChange>(StatusCodes.Status200OK, "application/x-ndjson");

        return api;
    }

    public static async Task<Results<Ok<AvailabilityChangesPage>, ValidationProblem, ProblemHttpResult>> GetChanges(
        string? after, string? channel, string? locations, int? limit, int? wait, IAvailabilityFeed feed, TimeProvider clock, HttpContext context)
    {
        var errors = new FieldErrors();
        var request = FeedRequest.Parse(after, "after", channel, locations, errors);
        if (limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"'limit' must be 1–{MaxLimit}.");
        }

        if (wait is < 0 or > MaxWaitSeconds)
        {
            errors.Add("wait", $"'wait' must be 0–{MaxWaitSeconds} seconds.");
        }

        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        var aborted = context.RequestAborted;
        var (epoch, gone) = await request.ResumeAsync(feed, aborted);
        if (gone is not null)
        {
            return gone;
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(wait ?? DefaultWaitSeconds), clock);
        var position = request.After;
        while (true)
        {
            var page = await feed.ReadAsync(position, request.Filter, limit ?? DefaultLimit, aborted);
            position = page.Next;
            if (page.Entries.Count > 0 || deadline.IsCancellationRequested || !await WaitAsync(feed, position, deadline.Token, aborted))
            {
                var now = clock.GetUtcNow();
                return TypedResults.Ok(new AvailabilityChangesPage(
                    [.. page.Entries.Select(e => AvailabilityChange.From(FeedCursor.Format(epoch, e.Position), e.Snapshot, request.Channel, now))],
                    FeedCursor.Format(epoch, position)));
            }
        }
    }

    public static async Task<Results<EmptyHttpResult, ValidationProblem, ProblemHttpResult>> Stream(
        string? after, string? channel, string? locations, IAvailabilityFeed feed, TimeProvider clock, IOptions<JsonOptions> json, HttpContext context)
    {
        var errors = new FieldErrors();
        var lastEventId = context.Request.Headers["Last-Event-ID"].ToString();
        var request = string.IsNullOrEmpty(lastEventId)
            ? FeedRequest.Parse(after, "after", channel, locations, errors)
            : FeedRequest.Parse(lastEventId, "Last-Event-ID", channel, locations, errors);
        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        var aborted = context.RequestAborted;
        var (epoch, gone) = await request.ResumeAsync(feed, aborted);
        if (gone is not null)
        {
            return gone;
        }

        await new AvailabilityEventStream(context.Response, feed, clock, json.Value.SerializerOptions, epoch, request).RunAsync(aborted);
        return TypedResults.Empty;
    }

    public static async Task<Results<EmptyHttpResult, ValidationProblem>> Export(
        string? channel, string? locations, IAvailabilityFeed feed, TimeProvider clock, IOptions<JsonOptions> json, HttpContext context)
    {
        var errors = new FieldErrors();
        var request = FeedRequest.Parse(null, "after", channel, locations, errors);
        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        var aborted = context.RequestAborted;
        var bounds = await feed.BoundsAsync(aborted);
        var export = await feed.ExportAsync(request.Filter, aborted);
        var cursor = FeedCursor.Format(bounds.Epoch, export.Position);
        var response = context.Response;
        response.ContentType = "application/x-ndjson";
        response.Headers[CursorHeader] = cursor;
        response.Headers.CacheControl = "no-cache";
        var now = clock.GetUtcNow();
        var body = response.BodyWriter;
        await using var line = new Utf8JsonWriter(body);
        var lines = 0;
        await foreach (var snapshot in export.Snapshots.WithCancellation(aborted))
        {
            JsonSerializer.Serialize(line, AvailabilityChange.From(cursor, snapshot, request.Channel, now), json.Value.SerializerOptions);
            line.Flush();
            line.Reset();
            body.Write("\n"u8);
            if (++lines % 256 == 0)
            {
                await body.FlushAsync(aborted);
            }
        }

        await body.FlushAsync(aborted);
        return TypedResults.Empty;
    }

    /// <summary>Waits for the feed to pass <paramref name="position"/>; false when the wait ran out (the caller answers what it has).</summary>
    internal static async Task<bool> WaitAsync(IAvailabilityFeed feed, long position, CancellationToken deadline, CancellationToken aborted)
    {
        try
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(deadline, aborted);
            await feed.WaitAsync(position, either.Token);
            return true;
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            return false;
        }
    }
}

/// <summary>A reader's validated position, channel and locations.</summary>
internal sealed record FeedRequest(string? Epoch, long After, string? Channel, FeedFilter Filter)
{
    public static FeedRequest Parse(string? cursor, string cursorField, string? channel, string? locations, FieldErrors errors)
    {
        string? epoch = null;
        long after = 0;
        if (cursor is not null && !FeedCursor.TryParse(cursor, out epoch, out after))
        {
            errors.Add(cursorField, $"'{cursorField}' must be a cursor this feed handed out (a page's or an item's 'cursor', or an export's {AvailabilityFeedApi.CursorHeader}).");
        }

        errors.Id("channel", channel, required: false);
        var list = AvailabilityApi.SplitLocations(locations, "locations", errors);
        return new FeedRequest(epoch, after, channel, list.IsDefaultOrEmpty ? FeedFilter.All : new FeedFilter(list.ToHashSet(StringComparer.Ordinal)));
    }

    /// <summary>The feed's epoch, or the 410 for a cursor it cannot resume from (another feed's, or past what it handed out).</summary>
    public async Task<(string Epoch, ProblemHttpResult? Gone)> ResumeAsync(IAvailabilityFeed feed, CancellationToken cancellationToken)
    {
        var bounds = await feed.BoundsAsync(cancellationToken);
        if (Epoch is not null && Epoch != bounds.Epoch)
        {
            return (bounds.Epoch, GridProblems.CursorGone("The cursor is from another feed: the database was reset or replaced, or (in dev mode) the process restarted.", AvailabilityFeedApi.ExportPath));
        }

        if (After > bounds.Allocated)
        {
            return (bounds.Epoch, GridProblems.CursorGone("The cursor is ahead of this feed: the database was restored from an earlier backup.", AvailabilityFeedApi.ExportPath));
        }

        return (bounds.Epoch, null);
    }
}

/// <summary>A page of the availability feed and the cursor to read on from (it moves past changes the filter left out, too).</summary>
public sealed record AvailabilityChangesPage(IReadOnlyList<AvailabilityChange> Items, string Cursor);

/// <summary>
/// One SKU-location's availability after its latest change: ATP for the channel asked (its ring-fences apply) and
/// the buckets behind it. <see cref="Cursor"/> is the feed position of this change (in an export: the export's).
/// </summary>
public sealed record AvailabilityChange(
    string Cursor,
    string Sku,
    string Location,
    long Available,
    long OnHand,
    long Reserved,
    long Allocated,
    long SafetyStock,
    long Damaged,
    long Quarantine,
    long HeldForBackorders,
    ImmutableArray<InboundSupply> Inbound,
    DateTimeOffset? AsOf,
    DateTimeOffset? LastWarehouseEventAt)
{
    /// <summary>
    /// The same projection as an ATP read (<see cref="AvailabilityProjection"/>). Staleness is left out: it changes with
    /// the clock, not with a change, so a feed cannot carry it; <see cref="LastWarehouseEventAt"/> is there instead.
    /// </summary>
    public static AvailabilityChange From(string cursor, AvailabilitySnapshot snapshot, string? channel, DateTimeOffset now)
    {
        var a = snapshot.ToAvailability(new AvailabilityQuery(channel), now, TimeSpan.MaxValue);
        return new AvailabilityChange(
            cursor, snapshot.Sku, snapshot.Location, a.Available, a.OnHand, a.Reserved, a.Allocated, a.SafetyStock, a.Damaged, a.Quarantine,
            a.HeldForBackorders, a.Inbound, a.AsOf, a.LastWarehouseEventAt);
    }
}
