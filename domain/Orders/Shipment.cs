using System.Text.Json.Serialization;

using Grid.Domain.Outbound;

namespace Grid.Domain.Orders;

/// <summary>Data of <c>grid.shipment.milestone.v1</c>.</summary>
public sealed record ShipmentMilestoneEventData(
    string ShipmentId, string? OrderId, string Milestone, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt, string? Detail,
    string? ProofOfDelivery, string? Location, string? Carrier, string? TrackingNumber);

public enum MilestoneType
{
    Packed = 0,
    Dispatched = 1,
    InTransit = 2,
    OutForDelivery = 3,
    Delivered = 4,
    Exception = 5,
}

public sealed record Milestone(
    string EventId,
    MilestoneType Type,
    DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt,
    string? Detail = null,
    string? ProofOfDelivery = null);

/// <summary>
/// One shipment: what the warehouse confirmed it carries, and the carrier's milestones in the order they happened
/// (milestones may arrive late or out of order, and before the warehouse's confirmation).
/// </summary>
public sealed class Shipment
{
    [JsonInclude] public string ShipmentId { get; private set; } = "";
    [JsonInclude] public string? OrderId { get; private set; }
    [JsonInclude] public string? Location { get; private set; }
    [JsonInclude] public string? Carrier { get; private set; }
    [JsonInclude] public string? TrackingNumber { get; private set; }
    [JsonInclude] public DateTimeOffset? ShippedAt { get; private set; }
    [JsonInclude] public List<ShipmentLine> Lines { get; private set; } = [];
    [JsonInclude] public List<Milestone> Milestones { get; private set; } = [];
    [JsonInclude] public DateTimeOffset? UpdatedAt { get; private set; }

    /// <summary>The <c>shipment.milestone</c> events recorded with the milestones, for the publishers.</summary>
    [JsonInclude] public Outbox Outbox { get; private set; } = new();

    [JsonIgnore] public bool IsConfirmed => OrderId is not null;

    [JsonIgnore] public Milestone? Delivery => Milestones.FirstOrDefault(m => m.Type == MilestoneType.Delivered);

    /// <summary>
    /// Where the shipment stands: delivered once a delivery is recorded, whatever arrives after; else the latest milestone
    /// by when it happened; else shipped (confirmed) or unknown.
    /// </summary>
    [JsonIgnore]
    public string Status => Delivery is not null
        ? "delivered"
        : Milestones.Count > 0
            ? Name(Milestones[^1].Type)
            : IsConfirmed ? "shipped" : "unknown";

    public void Identify(string shipmentId)
    {
        if (ShipmentId.Length == 0)
        {
            ShipmentId = shipmentId;
        }
    }

    /// <summary>Records the warehouse's confirmation; false when it was recorded already.</summary>
    public bool Confirm(string orderId, string location, string? carrier, string? trackingNumber, DateTimeOffset shippedAt, IReadOnlyList<ShipmentLine> lines, DateTimeOffset now)
    {
        if (IsConfirmed)
        {
            return false;
        }

        OrderId = orderId;
        Location = location;
        Carrier = carrier;
        TrackingNumber = trackingNumber;
        ShippedAt = shippedAt;
        Lines = [.. lines];
        UpdatedAt = now;
        return true;
    }

    /// <summary>Records a carrier milestone, once per event id; false for a duplicate.</summary>
    public bool AddMilestone(Milestone milestone)
    {
        if (Milestones.Any(m => string.Equals(m.EventId, milestone.EventId, StringComparison.Ordinal)))
        {
            return false;
        }

        var at = Milestones.FindLastIndex(m => m.OccurredAt <= milestone.OccurredAt);
        Milestones.Insert(at + 1, milestone);
        UpdatedAt = milestone.RecordedAt;
        Outbox.Add(OutboundEventTypes.ShipmentMilestone, OutboundSubjects.Shipment(ShipmentId), milestone.RecordedAt, new ShipmentMilestoneEventData(
            ShipmentId, OrderId, Name(milestone.Type), milestone.OccurredAt, milestone.RecordedAt, milestone.Detail, milestone.ProofOfDelivery,
            Location, Carrier, TrackingNumber));
        return true;
    }

    public static string Name(MilestoneType type) => type switch
    {
        MilestoneType.Packed => "packed",
        MilestoneType.Dispatched => "dispatched",
        MilestoneType.InTransit => "inTransit",
        MilestoneType.OutForDelivery => "outForDelivery",
        MilestoneType.Delivered => "delivered",
        _ => "exception",
    };
}
