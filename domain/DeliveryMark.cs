namespace Grid.Domain;

/// <summary>
/// Where an event sat in the durable queue it was delivered from (queuing transaction, message, index in the message).
/// Queues deliver in this order, so an inventory that keeps the last mark it applied recognises any redelivery.
/// </summary>
public readonly record struct DeliveryMark(long Transaction, long Message, int Index) : IComparable<DeliveryMark>
{
    public int CompareTo(DeliveryMark other)
    {
        var byTransaction = Transaction.CompareTo(other.Transaction);
        if (byTransaction != 0)
        {
            return byTransaction;
        }

        var byMessage = Message.CompareTo(other.Message);
        return byMessage != 0 ? byMessage : Index.CompareTo(other.Index);
    }

    public static bool operator <(DeliveryMark left, DeliveryMark right) => left.CompareTo(right) < 0;

    public static bool operator >(DeliveryMark left, DeliveryMark right) => left.CompareTo(right) > 0;

    public static bool operator <=(DeliveryMark left, DeliveryMark right) => left.CompareTo(right) <= 0;

    public static bool operator >=(DeliveryMark left, DeliveryMark right) => left.CompareTo(right) >= 0;
}
