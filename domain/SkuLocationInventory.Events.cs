using System.Text.Json.Serialization;
using Grid.Domain.Outbound;

namespace Grid.Domain;

// Events for the systems that care: reservations that close, and self-checks that fail. They go through the
// SKU-location's transactional outbox (written with the change that caused them); availability has its own slot.
public sealed partial class SkuLocationInventory
{
    /// <summary>Which outbound event types some target wants (set by the host); null: every type, as in the specs.</summary>
    [JsonIgnore] public Func<string, bool>? WantsEvent { get; set; }

    /// <summary>Hosts the outbox when it is made or read (event ids and traces come from the host).</summary>
    [JsonIgnore] public Action<Outbox>? OutboxHost { get; set; }

    private Outbox? OutboxBox { get => _rare?.Outbox; set => SetRare(value, static (r, v) => r.Outbox = v); }

    /// <summary>The outbox as stored: left out until its first event, then kept for its numbering.</summary>
    [JsonInclude, JsonPropertyName("Outbox"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private Outbox? StoredOutbox { get => OutboxBox is { LastSequence: > 0 } box ? box : null; set => OutboxBox = value; }

    /// <summary>The number of the outbox's last event (0 before the first).</summary>
    [JsonIgnore] public long OutboxSequence => OutboxBox?.LastSequence ?? 0;

    /// <summary>Self-check failures recorded so far (a count that only rises).</summary>
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long ViolationsRecorded
    {
        get => _rare?.ViolationsRecorded ?? 0;
        private set
        {
            if (value != 0 || _rare is not null)
            {
                (_rare ??= new Rare()).ViolationsRecorded = value;
            }
        }
    }

    /// <summary>Of <see cref="ViolationsRecorded"/>, how many the host has listed for ops.</summary>
    [JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long ViolationsReported
    {
        get => _rare?.ViolationsReported ?? 0;
        private set
        {
            if (value != 0 || _rare is not null)
            {
                (_rare ??= new Rare()).ViolationsReported = value;
            }
        }
    }

    /// <summary>The outbox while it holds events not yet accepted by every target that wants them; null otherwise.</summary>
    [JsonIgnore] public Outbox? PendingOutbox => OutboxBox is { IsEmpty: false } box ? Hosted(box) : null;

    /// <summary>
    /// The self-check failures not yet listed for ops, numbered up to <paramref name="upTo"/> (those written; default:
    /// all), oldest first, with their numbers (the list holds the last few only).
    /// </summary>
    public IReadOnlyList<(long Number, Violation Violation)> UnreportedViolations(long upTo = long.MaxValue)
    {
        var violations = Violations;
        var first = ViolationsRecorded - violations.Count + 1;
        var last = Math.Min(upTo, ViolationsRecorded);
        return [.. violations.Select((v, i) => (Number: first + i, Violation: v)).Where(x => x.Number > ViolationsReported && x.Number <= last)];
    }

    /// <summary>
    /// Since when work waits for the host after a write: outbox events to hand over, or failures to list. The stored
    /// state asks the expiry sweep to come back then, so that a crash in between strands nothing.
    /// </summary>
    [JsonIgnore] public DateTimeOffset? AfterWriteWorkSince
    {
        get
        {
            DateTimeOffset? since = OutboxBox is { IsEmpty: false } box ? box.Entries.Min(e => e.Event.Time) : null;
            if (ViolationsRecorded > ViolationsReported && Violations.Count > 0 && (since is null || Violations[^1].At < since))
            {
                since = Violations[^1].At;
            }

            return since;
        }
    }

    /// <summary>Records that every failure up to <paramref name="recorded"/> is listed; false when that was known.</summary>
    public bool MarkViolationsReported(long recorded)
    {
        if (recorded <= ViolationsReported)
        {
            return false;
        }

        ViolationsReported = Math.Min(recorded, ViolationsRecorded);
        return true;
    }

    private void PublishReservation(OutboundEventType type, Reservation r, DateTimeOffset now)
    {
        if (WantsEvent is { } wants && !wants(type.Type))
        {
            return;
        }

        Publish(type, OutboundSubjects.Reservation(Sku, Location, r.Id), now, new ReservationEventData(
            Sku, Location, r.Id, r.Channel, r.Quantity, r.State.ToString().ToLowerInvariant(), r.OrderId, r.CreatedAt, r.ExpiresAt,
            r.ClosedAt ?? now, AvailableFor(r.Channel)));
    }

    private void PublishViolation(Violation v)
    {
        ViolationsRecorded++;
        var type = v.Rule == NegativeOnHandRule ? OutboundEventTypes.InventoryNegativeOnHand : OutboundEventTypes.InventoryInvariantViolated;
        if (WantsEvent is { } wants && !wants(type.Type))
        {
            return;
        }

        Publish(type, OutboundSubjects.InventoryCheck(Sku, Location), v.At, new InventoryCheckEventData(
            Sku, Location, v.Rule, v.Detail, v.EventId, v.At, OnHand, Damaged, Quarantine, Reserved, Allocated));
    }

    private void Publish<T>(OutboundEventType type, string subject, DateTimeOffset now, T data)
        => Hosted(OutboxBox ??= new Outbox()).Add(type, subject, now, data);

    private Outbox Hosted(Outbox box)
    {
        if (box.Wanted is null && OutboxHost is { } host)
        {
            host(box);
        }

        return box;
    }
}
