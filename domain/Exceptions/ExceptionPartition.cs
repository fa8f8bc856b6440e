using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Grid.Domain.Outbound;

namespace Grid.Domain.Exceptions;

/// <summary>What a report did: opened an exception, counted a repeat into one, or nothing (an occurrence seen already).</summary>
public enum ReportOutcome
{
    Opened,
    Coalesced,
    Repeated,
}

/// <summary>The answer to a transition: its code, the exception as it stands, and what is wrong when it is refused.</summary>
public sealed record ExceptionOutcome(ExceptionResultCode Code, OpsException? Exception, string? Problem = null)
{
    public static ExceptionOutcome NotFound(string id) => new(ExceptionResultCode.NotFound, null, $"No exception '{id}'.");
}

/// <summary>
/// One partition of the exception queue: the exceptions whose key hashes here (open ones all, resolved ones the
/// latest <see cref="ResolvedLimit"/>), with the rules of their life: repeats coalesce while one is unresolved, a
/// person acknowledges, assigns, resolves and reopens, a cleared condition resolves by itself. Opening and resolving
/// go to the outbox (<c>grid.exception.opened.v1</c>, <c>grid.exception.resolved.v1</c>).
/// </summary>
public sealed class ExceptionPartition
{
    /// <summary>How many resolved exceptions a partition keeps (the longest resolved go first). Default: 64.</summary>
    [JsonIgnore] public int ResolvedLimit { get; set; } = 64;

    /// <summary>This partition's number, the first part of every id it gives.</summary>
    [JsonInclude] public int Partition { get; private set; }

    /// <summary>The last number given to an exception here.</summary>
    [JsonInclude] public long LastNumber { get; private set; }

    /// <summary>Oldest first.</summary>
    [JsonInclude] public List<OpsException> Items { get; private set; } = [];

    [JsonInclude] public Outbox Outbox { get; private set; } = new();

    private Dictionary<string, int>? _byId;

    private Dictionary<string, string>? _activeByKey;

    public ExceptionPartition()
    {
    }

    public ExceptionPartition(int partition) => Partition = partition;

    public OpsException? Find(string id) => ById.TryGetValue(id, out var index) ? Items[index] : null;

    /// <summary>Opens an exception, or counts a repeat into the unresolved one with the same key.</summary>
    public (ReportOutcome Outcome, OpsException Exception) Report(ExceptionReport report, DateTimeOffset now)
    {
        if (ActiveByKey.TryGetValue(report.Key, out var id))
        {
            var active = Items[ById[id]];
            if (active.RecentSources.Contains(report.SourceId, StringComparer.Ordinal))
            {
                return (ReportOutcome.Repeated, active);
            }

            var sources = active.RecentSources.Add(report.SourceId);
            var coalesced = Replace(active with
            {
                Count = active.Count + 1,
                Detail = report.Detail,
                Reference = report.Reference ?? active.Reference,
                LastSeenAt = Max(active.LastSeenAt, report.At),
                Severity = (ExceptionSeverity)Math.Max((int)active.Severity, (int)(report.Severity ?? active.Severity)),
                UpdatedAt = now,
                RecentSources = sources.Length > OpsException.SourceMemory ? sources.RemoveAt(0) : sources,
            });
            return (ReportOutcome.Coalesced, coalesced);
        }

        if (Items.LastOrDefault(e => e.Key == report.Key && e.RecentSources.Contains(report.SourceId, StringComparer.Ordinal)) is { } resolved)
        {
            // The same occurrence again, after someone resolved it: already dealt with.
            return (ReportOutcome.Repeated, resolved);
        }

        LastNumber++;
        var opened = new OpsException(
            ExceptionKeys.Id(Partition, LastNumber), report.Key, report.Kind, report.Severity ?? ExceptionRules.DefaultSeverity(report.Kind),
            report.Subject, report.Detail, report.At, report.At, 1, ExceptionState.Open, now,
            LineId: report.LineId, Sku: report.Sku, Location: report.Location, Reference: report.Reference, RecentSources: [report.SourceId]);
        Items.Add(opened);
        ById[opened.Id] = Items.Count - 1;
        ActiveByKey[opened.Key] = opened.Id;
        Publish(OutboundEventTypes.ExceptionOpened, opened, now);
        return (ReportOutcome.Opened, opened);
    }

    /// <summary>Someone has seen it and is on it. Acknowledging again by the same person answers the same.</summary>
    public ExceptionOutcome Acknowledge(string id, string by, DateTimeOffset now)
    {
        if (Find(id) is not { } e)
        {
            return ExceptionOutcome.NotFound(id);
        }

        return e.State switch
        {
            ExceptionState.Open => Ok(Replace(e with { State = ExceptionState.Acknowledged, AcknowledgedBy = by, AcknowledgedAt = now, UpdatedAt = now })),
            ExceptionState.Acknowledged when e.AcknowledgedBy == by => Ok(e),
            ExceptionState.Acknowledged => Conflict(e, $"Exception '{id}' was acknowledged by {e.AcknowledgedBy} already."),
            _ => Conflict(e, $"Exception '{id}' is resolved; reopen it first."),
        };
    }

    /// <summary>Gives an unresolved exception to someone (acknowledging it for them when it is open).</summary>
    public ExceptionOutcome Assign(string id, string assignee, string by, DateTimeOffset now)
    {
        if (Find(id) is not { } e)
        {
            return ExceptionOutcome.NotFound(id);
        }

        if (e.State == ExceptionState.Resolved)
        {
            return Conflict(e, $"Exception '{id}' is resolved; reopen it before assigning it.");
        }

        if (e.AssignedTo == assignee)
        {
            return Ok(e);
        }

        return Ok(Replace(e.State == ExceptionState.Open
            ? e with { AssignedTo = assignee, State = ExceptionState.Acknowledged, AcknowledgedBy = by, AcknowledgedAt = now, UpdatedAt = now }
            : e with { AssignedTo = assignee, UpdatedAt = now }));
    }

    /// <summary>A person resolves an unresolved exception, saying what was done.</summary>
    public ExceptionOutcome Resolve(string id, string by, string note, DateTimeOffset now)
    {
        if (Find(id) is not { } e)
        {
            return ExceptionOutcome.NotFound(id);
        }

        if (e.State == ExceptionState.Resolved)
        {
            return e.ResolvedBy == by && e.Resolution == note
                ? Ok(e)
                : Conflict(e, $"Exception '{id}' was resolved by {e.ResolvedBy} already.");
        }

        return Ok(Close(e, by, note, now));
    }

    /// <summary>
    /// A resolved exception is open again (it was not dealt with after all). Refused while another exception with the same
    /// key is unresolved: the condition came back meanwhile, and that one is where it is counted.
    /// </summary>
    public ExceptionOutcome Reopen(string id, string by, DateTimeOffset now)
    {
        if (Find(id) is not { } e)
        {
            return ExceptionOutcome.NotFound(id);
        }

        if (e.State != ExceptionState.Resolved)
        {
            return Conflict(e, $"Exception '{id}' is not resolved.");
        }

        if (ActiveByKey.TryGetValue(e.Key, out var other))
        {
            return Conflict(e, $"Exception '{other}' is open for the same {e.Kind} of {e.Subject.Id}; it carries the repeats now.");
        }

        var reopened = Replace(e with
        {
            State = ExceptionState.Open, AcknowledgedBy = null, AcknowledgedAt = null, ResolvedBy = null, ResolvedAt = null,
            Resolution = null, UpdatedAt = now,
        });
        ActiveByKey[reopened.Key] = reopened.Id;
        Publish(OutboundEventTypes.ExceptionOpened, reopened, now, reopenedBy: by);
        return Ok(reopened);
    }

    /// <summary>The condition cleared: the unresolved exception with its key (if any) resolves, by <see cref="ExceptionRules.System"/>.</summary>
    public OpsException? Clear(ExceptionClearance clearance, DateTimeOffset now)
        => ActiveByKey.TryGetValue(clearance.Key, out var id) ? Close(Items[ById[id]], ExceptionRules.System, clearance.Why, now) : null;

    /// <summary>
    /// The exceptions that pass <paramref name="filter"/>, newest first (by first seen, then id), after
    /// <paramref name="after"/> in that order; at most <paramref name="limit"/>.
    /// </summary>
    public ImmutableArray<OpsException> List(Func<OpsException, bool> filter, ExceptionCursor? after, int limit)
        => [.. Items.Where(filter).Where(e => after is null || ExceptionCursor.NewestFirst.Compare(ExceptionCursor.Of(e), after) > 0)
            .OrderBy(ExceptionCursor.Of, ExceptionCursor.NewestFirst).Take(limit)];

    private OpsException Close(OpsException e, string by, string note, DateTimeOffset now)
    {
        var resolved = Replace(e with { State = ExceptionState.Resolved, ResolvedBy = by, ResolvedAt = now, Resolution = note, UpdatedAt = now });
        ActiveByKey.Remove(e.Key);
        Publish(OutboundEventTypes.ExceptionResolved, resolved, now);
        Prune();
        return resolved;
    }

    private void Prune()
    {
        var resolved = Items.Where(e => e.State == ExceptionState.Resolved).ToList();
        if (resolved.Count <= ResolvedLimit)
        {
            return;
        }

        var gone = resolved.OrderBy(e => e.ResolvedAt).Take(resolved.Count - ResolvedLimit).Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        Items.RemoveAll(e => gone.Contains(e.Id));
        _byId = null;
    }

    private OpsException Replace(OpsException changed)
    {
        Items[ById[changed.Id]] = changed;
        return changed;
    }

    private void Publish(OutboundEventType type, OpsException e, DateTimeOffset now, string? reopenedBy = null)
        => Outbox.Add(type, OutboundSubjects.Exception(e.Id), now, ExceptionEventData.Of(e, reopenedBy));

    private static ExceptionOutcome Ok(OpsException e) => new(ExceptionResultCode.Ok, e);

    private static ExceptionOutcome Conflict(OpsException e, string problem) => new(ExceptionResultCode.Conflict, e, problem);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private Dictionary<string, int> ById
        => _byId ??= Items.Select((e, i) => (e.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);

    private Dictionary<string, string> ActiveByKey
        => _activeByKey ??= Items.Where(e => e.IsActive).ToDictionary(e => e.Key, e => e.Id, StringComparer.Ordinal);
}

/// <summary>
/// A position in the exception list, newest first: first seen (later first), then id. Opaque to clients (base64url of
/// the two).
/// </summary>
public sealed record ExceptionCursor(DateTimeOffset FirstSeenAt, string Id)
{
    /// <summary>The list's order, newest first.</summary>
    public static IComparer<ExceptionCursor> NewestFirst { get; } = Comparer<ExceptionCursor>.Create(static (a, b) =>
    {
        var byTime = b.FirstSeenAt.UtcTicks.CompareTo(a.FirstSeenAt.UtcTicks);
        return byTime != 0 ? byTime : string.CompareOrdinal(b.Id, a.Id);
    });

    public static ExceptionCursor Of(OpsException e) => new(e.FirstSeenAt, e.Id);

    public string Encode()
        => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{FirstSeenAt.UtcTicks}:{Id}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static ExceptionCursor? Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 200)
        {
            return null;
        }

        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            var text = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(padded));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon > 0
                && long.TryParse(text.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks)
                && ticks <= DateTimeOffset.MaxValue.UtcTicks
                && ExceptionKeys.TryParsePartition(text[(colon + 1)..], out _)
                ? new ExceptionCursor(new DateTimeOffset(ticks, TimeSpan.Zero), text[(colon + 1)..])
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
