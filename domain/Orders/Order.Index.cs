using System.Text.Json.Serialization;

namespace Grid.Domain.Orders;

// The customer's order list: the order tells its customer's index of each status it enters.
public sealed partial class Order
{
    /// <summary>The status the customer's order index last recorded; null before the first.</summary>
    [JsonInclude] public OrderStatus? IndexedStatus { get; private set; }

    [JsonIgnore] public bool NeedsIndexing => !IsEmpty && IndexedStatus != Status;

    public OrderSummary Summary() => new(OrderId, Status, Channel, SubmittedAt, StatusSince, RequestedDeliveryDate);

    public void MarkIndexed(OrderStatus status, DateTimeOffset now)
    {
        IndexedStatus = status;
        Touch(now);
    }
}
