using System.Text.Json.Serialization;
using Grid.Domain.Outbound;

namespace Grid.Domain.Orders;

/// <summary>
/// One order (DESIGN §4): its lines and where each unit stands, its status in <see cref="OrderLifecycle"/>, the
/// timeline of its transitions, its exceptions, shipments, invoices, returns and revised commitments. Plain C#: every
/// command takes the time as data and decides synchronously. What it needs done elsewhere (reserve stock, release
/// allocations, queue backorders, record shipments) is kept in its state as pending work until the grain that owns it
/// reports it done, so a crash between the two repeats the work (idempotently) rather than losing it.
/// </summary>
public sealed partial class Order
{
    /// <summary>How many recent (source, event id) keys an order remembers to drop duplicate events.</summary>
    public const int EventKeyWindow = 256;

    /// <summary>How many exceptions an order keeps (the oldest go first).</summary>
    public const int ExceptionLimit = 200;

    public Order()
    {
    }

    [JsonInclude] public string OrderId { get; private set; } = "";
    [JsonInclude] public string CustomerId { get; private set; } = "";
    [JsonInclude] public string Channel { get; private set; } = "";
    [JsonInclude] public ShipTo ShipTo { get; private set; } = new("");
    [JsonInclude] public bool AllowSplit { get; private set; }
    [JsonInclude] public List<OrderLine> Lines { get; private set; } = [];

    [JsonInclude] public OrderStatus Status { get; private set; }

    /// <summary>When the order entered its current status (the SLA clock).</summary>
    [JsonInclude] public DateTimeOffset StatusSince { get; private set; }
    [JsonInclude] public DateTimeOffset SubmittedAt { get; private set; }
    [JsonInclude] public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Rises by one with every change.</summary>
    [JsonInclude] public long Version { get; private set; }

    [JsonInclude] public List<TimelineEntry> Timeline { get; private set; } = [];
    [JsonInclude] public List<OrderException> Exceptions { get; private set; } = [];
    [JsonInclude] public List<CommitmentRevision> Commitments { get; private set; } = [];
    [JsonInclude] public List<OrderShipment> Shipments { get; private set; } = [];
    [JsonInclude] public List<Invoice> Invoices { get; private set; } = [];
    [JsonInclude] public List<OrderReturn> Returns { get; private set; } = [];

    /// <summary>The customer's credit as last heard from the ERP (through the customer grain).</summary>
    [JsonInclude] public bool CreditHold { get; private set; }
    [JsonInclude] public string? CreditHoldReason { get; private set; }

    /// <summary>Whether the customer grain knows this order waits for its credit release.</summary>
    [JsonInclude] public bool HoldRegistered { get; private set; }

    [JsonInclude] public string? RejectionReason { get; private set; }
    [JsonInclude] public string? CancellationReason { get; private set; }

    /// <summary>Counts sourcing rounds, so that each round's reservation ids are its own.</summary>
    [JsonInclude] public int SourcingRound { get; private set; }

    /// <summary>The legs of the current sourcing round, planned and not yet reserved; empty between rounds.</summary>
    [JsonInclude] public List<PlannedLeg> Plan { get; private set; } = [];
    [JsonInclude] public List<AllocationRelease> PendingReleases { get; private set; } = [];
    [JsonInclude] public List<BackorderWithdrawal> PendingWithdrawals { get; private set; } = [];
    [JsonInclude] public List<PickToApply> PendingPicks { get; private set; } = [];

    /// <summary>Per backorder queue (<c>SKU@LOCATION</c>), the last notice applied; queues number their notices.</summary>
    [JsonInclude] public Dictionary<string, long> NoticeMarks { get; private set; } = new(StringComparer.Ordinal);

    [JsonInclude] public List<string> RecentEventKeys { get; private set; } = [];

    /// <summary>The last durable-queue position applied; anything at or before it is a redelivery.</summary>
    [JsonInclude] public DeliveryMark? LastDelivery { get; private set; }

    [JsonInclude] public int ExceptionCount { get; private set; }

    /// <summary>The <see cref="StatusSince"/> of the stay for which an SLA breach was raised, so it is raised once per stay.</summary>
    [JsonInclude] public DateTimeOffset? SlaBreachedSince { get; private set; }

    /// <summary>Outbound events caused by this order's changes, written with them and handed to the publishers after.</summary>
    [JsonInclude] public Outbox Outbox { get; private set; } = new();

    [JsonIgnore] public bool IsEmpty => Version == 0;

    [JsonIgnore] public bool IsSourcing => Plan.Count > 0 || PendingTakeovers.Count > 0 || Lines.Any(l => l.Unsourced > 0);

    /// <summary>Lines with units to source and no round planned for them.</summary>
    [JsonIgnore] public bool NeedsPlan => Plan.Count == 0 && !OrderLifecycle.IsTerminal(Status) && Lines.Any(l => l.Unsourced > 0);

    public static Order Submit(OrderSubmission submission, DateTimeOffset now, Func<string, bool>? wantedEvents = null)
    {
        var order = new Order
        {
            Outbox = new Outbox { Wanted = wantedEvents },
            OrderId = submission.OrderId,
            CustomerId = submission.CustomerId,
            Channel = submission.Channel,
            ShipTo = submission.ShipTo,
            AllowSplit = submission.AllowSplit,
            RequestedDeliveryDate = submission.RequestedDeliveryDate,
            Lines = [.. submission.Lines.Select(l => new OrderLine(l))],
            SubmittedAt = now,
        };

        order.Enter(null, OrderStatus.Submitted, $"submitted by channel {submission.Channel} for customer {submission.CustomerId}: {submission.Lines.Count} line(s)", now);
        return order;
    }

    /// <summary>
    /// Whether <paramref name="submission"/> is this order sent again (unchanged) or a different order under the same
    /// id (a conflict naming the first field that differs).
    /// </summary>
    public OrderDecision CheckResubmission(OrderSubmission submission)
    {
        string? differs = null;
        if (!string.Equals(CustomerId, submission.CustomerId, StringComparison.Ordinal))
        {
            differs = "customerId";
        }
        else if (!string.Equals(Channel, submission.Channel, StringComparison.Ordinal))
        {
            differs = "channel";
        }
        else if (ShipTo != submission.ShipTo)
        {
            differs = "shipTo";
        }
        else if (AllowSplit != submission.AllowSplit)
        {
            differs = "allowSplit";
        }
        else if (RequestedDeliveryDate != submission.RequestedDeliveryDate)
        {
            differs = "requestedDeliveryDate";
        }
        else if (Lines.Count != submission.Lines.Count)
        {
            differs = "lines";
        }
        else
        {
            for (var i = 0; i < Lines.Count && differs is null; i++)
            {
                if (!Lines[i].IsSameRequestAs(submission.Lines[i]))
                {
                    differs = $"lines[{i}]";
                }
            }
        }

        return differs is null
            ? OrderDecision.Unchanged
            : new OrderDecision(OrderOutcome.Conflict, $"Order '{OrderId}' was already submitted with a different '{differs}'.", differs);
    }

    public void Reject(string reason, DateTimeOffset now)
    {
        foreach (var line in Lines)
        {
            line.Cancelled += line.Unsourced;
            line.Unsourced = 0;
        }

        Plan.Clear();
        RejectionReason = reason;
        MoveTo(OrderStatus.Rejected, reason, now);
    }

    /// <summary>The customer's credit as the ERP last set it. A hold stops release; the release of a hold releases.</summary>
    public void ApplyCredit(CreditStatus status, string? reason, DateTimeOffset now)
    {
        var hold = status == CreditStatus.Hold;
        if (hold == CreditHold && string.Equals(reason, CreditHoldReason, StringComparison.Ordinal))
        {
            return;
        }

        CreditHold = hold;
        CreditHoldReason = hold ? reason : null;
        Touch(now);
        Settle(now, hold ? HoldCause() : "credit released by the ERP");
    }

    public void MarkHoldRegistered(bool registered, DateTimeOffset now)
    {
        HoldRegistered = registered;
        Touch(now);
    }

    /// <summary>When the current stay breaches its SLA threshold; null when it has none or was raised already.</summary>
    public DateTimeOffset? NextSlaDeadline(SlaPolicy policy)
        => OrderLifecycle.IsTerminal(Status) || SlaBreachedSince == StatusSince || policy.ThresholdFor(Status) is not { } threshold
            ? null
            : StatusSince + threshold;

    /// <summary>Raises an SLA breach once per stay in a status that outlasted its threshold; true when it raised one.</summary>
    public bool CheckSla(SlaPolicy policy, DateTimeOffset now)
    {
        if (NextSlaDeadline(policy) is not { } deadline || now < deadline)
        {
            return false;
        }

        var threshold = policy.ThresholdFor(Status)!.Value;
        SlaBreachedSince = StatusSince;
        RaiseException(OrderExceptionKind.SlaBreach,
            $"{OrderLifecycle.Name(Status)} since {StatusSince:u} ({SlaPolicy.Describe(now - StatusSince)}), over the {SlaPolicy.Describe(threshold)} threshold for {OrderLifecycle.Name(Status)}.",
            now);
        return true;
    }

    /// <summary>Every line's balance; empty when all hold.</summary>
    public IReadOnlyList<string> Audit() => [.. Lines.SelectMany(l => l.Audit())];

    public OrderLine? Line(string lineId) => Lines.FirstOrDefault(l => string.Equals(l.LineId, lineId, StringComparison.Ordinal));

    /// <summary>
    /// Moves the status as far as the lines say it has come: before release, sourcing and credit decide; after it,
    /// picks, shipments, deliveries and invoices. Each step is one checked transition in the timeline.
    /// </summary>
    private void Settle(DateTimeOffset now, string cause)
    {
        if (OrderLifecycle.IsBeforeRelease(Status))
        {
            SettleBeforeRelease(now, cause);
            return;
        }

        if (OrderLifecycle.IsTerminal(Status))
        {
            return;
        }

        var anyShipped = Lines.Any(l => l.Shipped > 0);
        var allShipped = anyShipped && Lines.All(l => l.Open == 0);
        if (Status == OrderStatus.Released && Lines.Any(l => l.PickedTotal > 0 || l.ExcludedLocations.Count > 0) && !anyShipped)
        {
            MoveTo(OrderStatus.Picking, cause, now);
        }

        if (Status is OrderStatus.Released or OrderStatus.Picking && anyShipped)
        {
            MoveTo(allShipped ? OrderStatus.Shipped : OrderStatus.PartiallyShipped, cause, now);
        }
        else if (Status == OrderStatus.PartiallyShipped && allShipped)
        {
            MoveTo(OrderStatus.Shipped, cause, now);
        }

        if (Status == OrderStatus.Shipped && Lines.All(l => l.Delivered >= l.Shipped))
        {
            MoveTo(OrderStatus.Delivered, cause, now);
        }

        if (Status == OrderStatus.Delivered && Invoices.Count > 0 && Lines.All(l => l.Invoiced >= l.Shipped))
        {
            MoveTo(OrderStatus.Invoiced, cause, now);
            MoveTo(OrderStatus.Closed, "delivered and invoiced: nothing outstanding", now);
        }
    }

    private void SettleBeforeRelease(DateTimeOffset now, string cause)
    {
        if (IsSourcing)
        {
            return;
        }

        var sourced = Lines.All(l => l.Backordered == 0)
            ? OrderStatus.Accepted
            : Lines.Any(l => l.AllocatedTotal > 0) ? OrderStatus.PartiallyBackordered : OrderStatus.Backordered;

        if (CreditHold)
        {
            if (Status != OrderStatus.OnHold)
            {
                MoveTo(OrderStatus.OnHold, $"{HoldCause()}; {Describe(sourced)} and kept until the ERP releases the credit", now);
            }

            return;
        }

        if (Status != sourced)
        {
            MoveTo(sourced, Status == OrderStatus.OnHold ? $"{cause}; {Describe(sourced)}" : cause, now);
        }

        if (sourced == OrderStatus.Accepted || (sourced == OrderStatus.PartiallyBackordered && AllowSplit))
        {
            MoveTo(OrderStatus.Released, sourced == OrderStatus.Accepted
                ? "released to the warehouse: everything allocated, credit active"
                : "released to the warehouse: the allocated part ships now (split allowed), credit active", now);
        }
    }

    private static string Describe(OrderStatus sourced) => sourced switch
    {
        OrderStatus.Accepted => "every line allocated",
        OrderStatus.PartiallyBackordered => "partly allocated, the rest backordered",
        _ => "everything backordered",
    };

    private string HoldCause() => $"customer {CustomerId} is on credit hold{(CreditHoldReason is { } r ? $" ({r})" : "")}";

    private void MoveTo(OrderStatus to, string cause, DateTimeOffset now)
    {
        if (!OrderLifecycle.CanMove(Status, to))
        {
            // The callers only ask for transitions the lifecycle allows; reaching this is a bug, not bad input.
            throw new InvalidOperationException($"Order '{OrderId}' cannot move from {OrderLifecycle.Name(Status)} to {OrderLifecycle.Name(to)}.");
        }

        Enter(Status, to, cause, now);
    }

    private void Enter(OrderStatus? from, OrderStatus to, string cause, DateTimeOffset now)
    {
        RecordTransitionKpis(from, to, now);
        Status = to;
        StatusSince = now;
        Timeline.Add(new TimelineEntry(now, from, to, cause));
        Touch(now);
        PublishTransition(from, to, cause, now);
    }

    /// <summary>The outbox changed outside a decision (entries handed off): a change to write, like any other.</summary>
    public void OutboxSettled(DateTimeOffset now) => Touch(now);

    private void Touch(DateTimeOffset now)
    {
        Version++;
        UpdatedAt = now;
    }
}
