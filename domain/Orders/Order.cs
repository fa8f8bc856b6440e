using System.Globalization;
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

    [JsonIgnore] public bool IsSourcing => Plan.Count > 0 || Lines.Any(l => l.Unsourced > 0);

    /// <summary>Lines with units to source and no round planned for them.</summary>
    [JsonIgnore] public bool NeedsPlan => Plan.Count == 0 && !OrderLifecycle.IsTerminal(Status) && Lines.Any(l => l.Unsourced > 0);

    // ---------------------------------------------------------------- submission

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

    // ---------------------------------------------------------------- sourcing

    /// <summary>What the planner is to source: each line's unsourced units, where it may look and where it must not.</summary>
    public IReadOnlyList<SourcingLine> SourcingRequest()
        => [.. Lines.Where(l => l.Unsourced > 0).Select(l => new SourcingLine(l.LineId, l.Sku, l.Unsourced, l.RequestedLocation, l.ExcludedLocations))];

    /// <summary>
    /// Takes a plan: its backorders are booked at once, its legs are kept (with reservation ids of this round) until
    /// <see cref="ApplySourcing"/> says what the SKU-locations granted.
    /// </summary>
    public void AdoptPlan(SourcingPlan plan, DateTimeOffset now)
    {
        SourcingRound++;
        foreach (var leg in plan.Legs)
        {
            var line = Line(leg.LineId)!;
            Plan.Add(new PlannedLeg(leg.LineId, line.Sku, leg.Location, leg.Quantity,
                string.Create(CultureInfo.InvariantCulture, $"order:{OrderId}/{leg.LineId}/{leg.Location}/{SourcingRound}")));
        }

        foreach (var backorder in plan.Backorders)
        {
            var line = Line(backorder.LineId)!;
            line.Unsourced -= backorder.Quantity;
            line.AddBackorder(backorder.Location, backorder.Quantity);
        }

        Touch(now);
    }

    /// <summary>
    /// Books what each planned leg was granted. A leg granted less than planned (another channel got there first)
    /// backorders the rest at that location.
    /// </summary>
    public void ApplySourcing(IReadOnlyList<LegResult> results, DateTimeOffset now, string cause)
    {
        var granted = results.ToDictionary(r => r.ReservationId, r => r.Granted, StringComparer.Ordinal);
        foreach (var leg in Plan)
        {
            var line = Line(leg.LineId)!;
            var got = Math.Clamp(granted.GetValueOrDefault(leg.ReservationId), 0, leg.Quantity);
            line.Unsourced -= leg.Quantity;
            OrderLine.Add(line.Allocated, leg.Location, got);
            if (got < leg.Quantity)
            {
                line.AddBackorder(leg.Location, leg.Quantity - got);
            }
        }

        Plan.Clear();
        Settle(now, cause);
    }

    // ---------------------------------------------------------------- credit

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

    // ---------------------------------------------------------------- backorders

    /// <summary>Backorders whose queue does not yet hold their current quantity.</summary>
    public IEnumerable<(OrderLine Line, string Location, Backorder Backorder)> BackordersToQueue()
        => Lines.SelectMany(l => l.Backorders.Where(b => !b.Value.Queued).Select(b => (l, b.Key, b.Value)));

    /// <summary>The queue at <paramref name="location"/> holds <paramref name="quantity"/> for the line and promises it for <paramref name="promisedDate"/>.</summary>
    public void MarkQueued(string lineId, string location, long quantity, DateTimeOffset? promisedDate, DateTimeOffset now)
    {
        if (Line(lineId) is not { } line || !line.Backorders.TryGetValue(location, out var backorder) || backorder.Quantity != quantity)
        {
            return;
        }

        if (backorder.PromisedDate is not null && backorder.PromisedDate != promisedDate)
        {
            ReviseCommitment(new CommitmentRevision(now, lineId, location, quantity, backorder.PromisedDate, promisedDate,
                "backorder quantity changed; promised again from the supply due"), now);
        }

        line.Backorders[location] = backorder with { Queued = true, PromisedDate = promisedDate };
        Touch(now);
    }

    public void MarkWithdrawn(BackorderWithdrawal withdrawal, DateTimeOffset now)
    {
        PendingWithdrawals.Remove(withdrawal);
        Touch(now);
    }

    /// <summary>Whether notice <paramref name="sequence"/> of the backorder queue at <c>SKU@LOCATION</c> was applied already.</summary>
    public bool HasNotice(string sku, string location, long sequence) => NoticeMarks.GetValueOrDefault(Identifiers.SkuLocationKey(sku, location)) >= sequence;

    /// <summary>
    /// The queue at <paramref name="location"/> allocated <paramref name="quantity"/> units of the line's backorder to
    /// this order. Units the order no longer wants (cancelled meanwhile) are given back.
    /// </summary>
    public void ApplyBackorderFill(string sku, string location, long sequence, string lineId, long quantity, DateTimeOffset now)
    {
        if (!MarkNotice(sku, location, sequence))
        {
            return;
        }

        var line = Line(lineId);
        var taken = line is null || OrderLifecycle.IsTerminal(Status) ? 0 : line.TakeBackorder(location, quantity);
        if (taken > 0)
        {
            OrderLine.Add(line!.Allocated, location, taken);
        }

        if (quantity > taken)
        {
            PendingReleases.Add(new AllocationRelease(
                string.Create(CultureInfo.InvariantCulture, $"order:{OrderId}/fill/{sku}@{location}/{sequence}"), sku, location, quantity - taken));
        }

        Touch(now);
        Settle(now, $"backorder of line {lineId} filled at {location}: {taken} unit(s) allocated");
    }

    /// <summary>The queue at <paramref name="location"/> promises the line's backorder for a new date (supply delayed or earlier).</summary>
    public void RevisePromise(string sku, string location, long sequence, string lineId, DateTimeOffset? promisedDate, string cause, DateTimeOffset now)
    {
        if (!MarkNotice(sku, location, sequence))
        {
            return;
        }

        if (Line(lineId) is { } line && line.Backorders.TryGetValue(location, out var backorder) && backorder.PromisedDate != promisedDate)
        {
            line.Backorders[location] = backorder with { PromisedDate = promisedDate };
            ReviseCommitment(new CommitmentRevision(now, lineId, location, backorder.Quantity, backorder.PromisedDate, promisedDate, cause), now);
        }

        Touch(now);
    }

    /// <summary>The backorder queues this order has units waiting in, as (SKU, location).</summary>
    public IEnumerable<(string Sku, string Location)> BackorderQueues()
        => Lines.SelectMany(l => l.Backorders.Keys.Select(location => (l.Sku, location))).Distinct();

    private bool MarkNotice(string sku, string location, long sequence)
    {
        if (HasNotice(sku, location, sequence))
        {
            return false;
        }

        NoticeMarks[Identifiers.SkuLocationKey(sku, location)] = sequence;
        return true;
    }

    // ---------------------------------------------------------------- pending work reported done

    public void MarkReleased(AllocationRelease release, DateTimeOffset now)
    {
        PendingReleases.Remove(release);
        Touch(now);
    }

    public void MarkPickApplied(PickToApply pick, DateTimeOffset now)
    {
        PendingPicks.Remove(pick);
        Touch(now);
    }

    public void MarkShipmentRegistered(string shipmentId, DateTimeOffset now)
    {
        var index = Shipments.FindIndex(s => string.Equals(s.ShipmentId, shipmentId, StringComparison.Ordinal));
        if (index >= 0)
        {
            Shipments[index] = Shipments[index] with { Registered = true };
            Touch(now);
        }
    }

    public void MarkExceptionsReported(IEnumerable<string> ids, DateTimeOffset now)
    {
        var reported = ids.ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < Exceptions.Count; i++)
        {
            if (reported.Contains(Exceptions[i].Id))
            {
                Exceptions[i] = Exceptions[i] with { Reported = true };
            }
        }

        Touch(now);
    }

    // ---------------------------------------------------------------- warehouse events

    /// <summary>Whether the event with this (source, event id) key was applied already.</summary>
    public bool HasSeen(string eventKey) => RecentEventKeys.Contains(eventKey, StringComparer.Ordinal);

    /// <summary>Whether the event queued at <paramref name="mark"/> was applied already (a redelivery).</summary>
    public bool WasDelivered(DeliveryMark mark) => LastDelivery is { } last && mark <= last;

    public void MarkDelivered(DeliveryMark mark)
    {
        if (!WasDelivered(mark))
        {
            LastDelivery = mark;
            Version++;
        }
    }

    /// <summary>
    /// Units picked for a line: off the shelf whatever the order's state (the warehouse is physical truth), out of the
    /// line's allocation at that location as far as it holds them; anything odd is raised.
    /// </summary>
    public OrderDecision ApplyPick(WarehouseEventRef e, string lineId, string sku, string location, long quantity, DateTimeOffset now)
    {
        if (!Remember(e.Key, now))
        {
            return OrderDecision.Unchanged;
        }

        PendingPicks.Add(new PickToApply(e.EventId, e.Source, e.OccurredAt, sku, location, lineId, quantity, StockEffect.Pick, e.Sequence, e.Reference));
        if (WarehouseEventTarget("pick", lineId, sku, location, now) is not { } line)
        {
            return OrderDecision.Changed;
        }

        var taken = OrderLine.Take(line.Allocated, location, quantity);
        OrderLine.Add(line.Picked, location, taken);
        ReleaseTaken("pick", e.Key, line, location, taken);
        if (taken < quantity)
        {
            RaiseException(OrderExceptionKind.OverPick,
                $"Picked {quantity} of {sku} at {location} for line {lineId}, but only {taken} were allocated there; {quantity - taken} picked beyond the order.",
                now, lineId, location);
        }

        Settle(now, $"picking started at {location}");
        return OrderDecision.Changed;
    }

    /// <summary>
    /// Units the warehouse expected on the shelf are not there. Their allocation is given back and they are sourced
    /// again, never from that location in this order.
    /// </summary>
    public OrderDecision ApplyShortPick(WarehouseEventRef e, string lineId, string sku, string location, long missing, DateTimeOffset now)
    {
        if (!Remember(e.Key, now))
        {
            return OrderDecision.Unchanged;
        }

        PendingPicks.Add(new PickToApply(e.EventId, e.Source, e.OccurredAt, sku, location, lineId, missing, StockEffect.ShortPick, e.Sequence, e.Reference));
        if (WarehouseEventTarget("shortPick", lineId, sku, location, now) is not { } line)
        {
            return OrderDecision.Changed;
        }

        var freed = OrderLine.Take(line.Allocated, location, missing);
        ReleaseTaken("shortPick", e.Key, line, location, freed);
        line.Unsourced += freed;
        if (!line.ExcludedLocations.Contains(location, StringComparer.Ordinal))
        {
            line.ExcludedLocations.Add(location);
        }

        var detail = $"Short pick: {missing} of {sku} missing at {location} for line {lineId}; {freed} unit(s) to source again";
        detail += AllowSplit && line.RequestedLocation is null
            ? " from the other locations, or to backorder."
            : " (no split to other locations allowed), or to backorder.";
        if (freed < missing)
        {
            detail += $" {missing - freed} of the missing units were not allocated to this order there.";
        }

        RaiseException(OrderExceptionKind.ShortPick, detail, now, lineId, location);
        Settle(now, $"short pick at {location}");
        return OrderDecision.Changed;
    }

    /// <summary>
    /// The warehouse shipped: units come from what was picked at that location, then from what is still allocated there,
    /// then from a backorder there (the SKU-location is told of those two as a pick). Anything beyond is recorded and raised.
    /// </summary>
    public OrderDecision ConfirmShipment(
        WarehouseEventRef e, string shipmentId, string location, string? carrier, string? trackingNumber,
        IReadOnlyList<ShipmentLine> lines, DateTimeOffset now)
    {
        var occurredAt = e.OccurredAt;
        if (!Remember(e.Key, now) || Shipments.Any(s => string.Equals(s.ShipmentId, shipmentId, StringComparison.Ordinal)))
        {
            return OrderDecision.Unchanged;
        }

        if (OrderLifecycle.IsTerminal(Status) || OrderLifecycle.IsBeforeRelease(Status))
        {
            RaiseException(OrderExceptionKind.UnexpectedWarehouseEvent,
                $"Shipment {shipmentId} confirmed from {location} while the order is {OrderLifecycle.Name(Status)}; the warehouse had no release for it.",
                now, null, location);
            if (OrderLifecycle.IsTerminal(Status))
            {
                return OrderDecision.Changed;
            }
        }

        foreach (var shipped in lines)
        {
            if (Line(shipped.LineId) is not { } line)
            {
                RaiseException(OrderExceptionKind.UnexpectedWarehouseEvent,
                    $"Shipment {shipmentId} names line {shipped.LineId}, which this order does not have.", now, shipped.LineId, location);
                continue;
            }

            var remaining = shipped.Quantity;
            remaining -= OrderLine.Take(line.Picked, location, remaining);
            var unpicked = OrderLine.Take(line.Allocated, location, remaining);
            remaining -= unpicked;
            var fromBackorder = ReduceBackorder(line, location, remaining);
            remaining -= fromBackorder;
            ReleaseTaken("shipConfirm", e.Key, line, location, unpicked);
            if (unpicked + fromBackorder > 0)
            {
                PendingPicks.Add(new PickToApply($"{e.EventId}/{line.LineId}", e.Source, occurredAt, line.Sku, location, line.LineId, unpicked + fromBackorder));
            }

            line.Shipped += shipped.Quantity - remaining;
            if (remaining > 0)
            {
                line.OverShipped += remaining;
                RaiseException(OrderExceptionKind.OverShipment,
                    $"Shipment {shipmentId} shipped {shipped.Quantity} of line {line.LineId} from {location}; {remaining} beyond what the line had open there.",
                    now, line.LineId, location);
            }
        }

        var shipment = new OrderShipment(shipmentId, location, carrier, trackingNumber, occurredAt, [.. lines]);
        Shipments.Add(shipment);
        Touch(now);
        Settle(now, $"shipment {shipmentId} confirmed from {location}");
        PublishShipment(shipment, $"shipment {shipmentId} confirmed from {location}", now);
        return OrderDecision.Changed;
    }

    public OrderDecision RecordDelivery(string shipmentId, DateTimeOffset deliveredAt, string? proofOfDelivery, DateTimeOffset now)
    {
        var index = Shipments.FindIndex(s => string.Equals(s.ShipmentId, shipmentId, StringComparison.Ordinal));
        if (index < 0 || Shipments[index].DeliveredAt is not null)
        {
            return OrderDecision.Unchanged;
        }

        var shipment = Shipments[index] with { DeliveredAt = deliveredAt, ProofOfDelivery = proofOfDelivery };
        Shipments[index] = shipment;
        foreach (var shipped in shipment.Lines)
        {
            if (Line(shipped.LineId) is { } line)
            {
                line.Delivered = Math.Min(line.Shipped, line.Delivered + shipped.Quantity);
            }
        }

        Touch(now);
        Settle(now, $"shipment {shipmentId} delivered");
        return OrderDecision.Changed;
    }

    public OrderDecision RecordCarrierException(string shipmentId, string milestoneEventId, string? detail, DateTimeOffset occurredAt, DateTimeOffset now)
    {
        if (!Remember($"carrier\u001f{shipmentId}\u001f{milestoneEventId}", now))
        {
            return OrderDecision.Unchanged;
        }

        RaiseException(OrderExceptionKind.CarrierException,
            $"Carrier exception on shipment {shipmentId} at {occurredAt:u}: {detail ?? "no detail given"}.", now);
        return OrderDecision.Changed;
    }

    // ---------------------------------------------------------------- cancellation

    /// <summary>
    /// Cancels what has not shipped: allocations are given back, backorders withdrawn, picked units raised for
    /// put-away. An order that shipped part moves on as Shipped with the rest cancelled.
    /// </summary>
    public OrderDecision Cancel(string reason, DateTimeOffset now)
    {
        if (Status == OrderStatus.Cancelled)
        {
            return OrderDecision.Unchanged;
        }

        if (!OrderLifecycle.CanCancel(Status))
        {
            return new OrderDecision(OrderOutcome.Refused,
                $"Order '{OrderId}' is {OrderLifecycle.Name(Status)}; an order can be cancelled only until it is fully shipped.");
        }

        foreach (var line in Lines)
        {
            foreach (var (location, quantity) in line.Allocated)
            {
                PendingReleases.Add(new AllocationRelease($"order:{OrderId}/cancel/{line.LineId}/{location}", line.Sku, location, quantity));
                line.Cancelled += quantity;
            }

            line.Allocated.Clear();
            foreach (var (location, backorder) in line.Backorders)
            {
                PendingWithdrawals.Add(new BackorderWithdrawal(line.LineId, line.Sku, location));
                line.Cancelled += backorder.Quantity;
            }

            line.Backorders.Clear();
            foreach (var (location, quantity) in line.Picked)
            {
                RaiseException(OrderExceptionKind.PickedUnitsOnCancel,
                    $"Order cancelled with {quantity} of {line.Sku} picked at {location} for line {line.LineId}: put them away and adjust stock.",
                    now, line.LineId, location);
                line.Cancelled += quantity;
            }

            line.Picked.Clear();
            line.Cancelled += line.Unsourced;
            line.Unsourced = 0;
        }

        CancellationReason = reason;
        if (Lines.Any(l => l.Shipped > 0))
        {
            MoveTo(OrderStatus.Shipped, $"the rest cancelled: {reason}", now);
            PublishTransition(OrderStatus.PartiallyShipped, OrderStatus.Cancelled, $"the rest cancelled: {reason}", now);
        }
        else
        {
            MoveTo(OrderStatus.Cancelled, reason, now);
        }

        return OrderDecision.Changed;
    }

    // ---------------------------------------------------------------- invoices

    public OrderDecision PostInvoice(string invoiceId, IReadOnlyList<InvoiceLine>? lines, DateTimeOffset postedAt, DateTimeOffset now)
    {
        if (Invoices.FirstOrDefault(i => string.Equals(i.InvoiceId, invoiceId, StringComparison.Ordinal)) is { } existing)
        {
            return lines is null || lines.SequenceEqual(existing.Lines)
                ? OrderDecision.Unchanged
                : new OrderDecision(OrderOutcome.Conflict, $"Invoice '{invoiceId}' was already posted for order '{OrderId}' with different lines.", "lines");
        }

        if (Status is not (OrderStatus.PartiallyShipped or OrderStatus.Shipped or OrderStatus.Delivered or OrderStatus.Invoiced or OrderStatus.Closed))
        {
            return new OrderDecision(OrderOutcome.Refused,
                $"Order '{OrderId}' is {OrderLifecycle.Name(Status)}; an invoice can be posted once it has shipped.");
        }

        List<InvoiceLine> invoiced;
        if (lines is null)
        {
            invoiced = [.. Lines.Where(l => l.Shipped > l.Invoiced).Select(l => new InvoiceLine(l.LineId, l.Shipped - l.Invoiced))];
        }
        else
        {
            for (var i = 0; i < lines.Count; i++)
            {
                if (Line(lines[i].LineId) is null)
                {
                    return new OrderDecision(OrderOutcome.Invalid, $"Order '{OrderId}' has no line '{lines[i].LineId}'.", $"lines[{i}].lineId");
                }
            }

            invoiced = [.. lines];
        }

        foreach (var line in invoiced)
        {
            Line(line.LineId)!.Invoiced += line.Quantity;
        }

        Invoices.Add(new Invoice(invoiceId, postedAt, invoiced));
        Touch(now);
        Settle(now, $"invoice {invoiceId} posted by the ERP");
        return OrderDecision.Changed;
    }

    // ---------------------------------------------------------------- returns

    public OrderDecision AuthorizeReturn(string returnId, IReadOnlyList<ReturnLineRequest> lines, DateTimeOffset now)
    {
        if (Returns.FirstOrDefault(r => string.Equals(r.ReturnId, returnId, StringComparison.Ordinal)) is { } existing)
        {
            return existing.IsSameRequestAs(lines)
                ? OrderDecision.Unchanged
                : new OrderDecision(OrderOutcome.Conflict, $"Return '{returnId}' was already authorized for order '{OrderId}' with different lines.", "lines");
        }

        if (Status is not (OrderStatus.PartiallyShipped or OrderStatus.Shipped or OrderStatus.Delivered or OrderStatus.Invoiced or OrderStatus.Closed))
        {
            return new OrderDecision(OrderOutcome.Refused,
                $"Order '{OrderId}' is {OrderLifecycle.Name(Status)}; a return can be authorized only for shipped units.");
        }

        var requested = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            if (Line(lines[i].LineId) is not { } line)
            {
                return new OrderDecision(OrderOutcome.Invalid, $"Order '{OrderId}' has no line '{lines[i].LineId}'.", $"lines[{i}].lineId");
            }

            var returnable = line.Shipped - line.ReturnAuthorized - requested.GetValueOrDefault(line.LineId);
            if (lines[i].Quantity > returnable)
            {
                return new OrderDecision(OrderOutcome.Invalid,
                    $"Line '{line.LineId}' has {returnable} shipped unit(s) not yet authorized for return; {lines[i].Quantity} asked.", $"lines[{i}].quantity");
            }

            requested[line.LineId] = requested.GetValueOrDefault(line.LineId) + lines[i].Quantity;
        }

        foreach (var (lineId, quantity) in requested)
        {
            Line(lineId)!.ReturnAuthorized += quantity;
        }

        Returns.Add(new OrderReturn(returnId, lines.Select(l => new ReturnLine(l.LineId, Line(l.LineId)!.Sku, l.Quantity)), now));
        Touch(now);
        return OrderDecision.Changed;
    }

    /// <summary>
    /// The warehouse received returned units with a disposition. The SKU-location applies their stock effect from the
    /// same event; the order records them against the return authorization, and closes it once all is back.
    /// </summary>
    public OrderDecision ReceiveReturn(WarehouseEventRef e, string returnId, string sku, string location, long quantity, ReturnDisposition disposition, DateTimeOffset now)
    {
        if (!Remember(e.Key, now))
        {
            return OrderDecision.Unchanged;
        }

        var authorization = Returns.FirstOrDefault(r => string.Equals(r.ReturnId, returnId, StringComparison.Ordinal));
        var what = $"{quantity} of {sku} received at {location} ({disposition.ToString().ToLowerInvariant()}) for return {returnId}";
        if (authorization is null)
        {
            RaiseException(OrderExceptionKind.UnauthorizedReturn, $"{what}, which was never authorized.", now, null, location);
            return OrderDecision.Changed;
        }

        var beyond = authorization.Receive(sku, location, quantity, disposition, now);
        Publish(OutboundEventTypes.ReturnReceived, new ReturnReceivedEventData(
            OrderId, CustomerId, returnId, sku, location, quantity, disposition.ToString().ToLowerInvariant(), e.OccurredAt,
            StatusNameOf(authorization.Status), authorization.Status == ReturnStatus.Closed, authorization.CreditMemoQuantity), now);
        if (beyond > 0)
        {
            RaiseException(OrderExceptionKind.ReturnOverReceipt, $"{what}: {beyond} beyond what it authorized.", now, null, location);
        }

        return OrderDecision.Changed;
    }

    // ---------------------------------------------------------------- SLA

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

    // ---------------------------------------------------------------- invariants

    /// <summary>Every line's balance; empty when all hold.</summary>
    public IReadOnlyList<string> Audit() => [.. Lines.SelectMany(l => l.Audit())];

    // ---------------------------------------------------------------- helpers

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
        Status = to;
        StatusSince = now;
        Timeline.Add(new TimelineEntry(now, from, to, cause));
        Touch(now);
        PublishTransition(from, to, cause, now);
    }

    /// <summary>
    /// The line a warehouse event is about, or null (with an exception raised) when the event cannot apply to this order.
    /// </summary>
    private OrderLine? WarehouseEventTarget(string type, string lineId, string sku, string location, DateTimeOffset now)
    {
        if (Line(lineId) is not { } line || !string.Equals(line.Sku, sku, StringComparison.Ordinal))
        {
            RaiseException(OrderExceptionKind.UnexpectedWarehouseEvent,
                $"A {type} of {sku} at {location} names line {lineId}, which this order does not have for {sku}.", now, lineId, location);
            return null;
        }

        if (OrderLifecycle.IsTerminal(Status) || OrderLifecycle.IsBeforeRelease(Status))
        {
            RaiseException(OrderExceptionKind.UnexpectedWarehouseEvent,
                $"A {type} of {sku} at {location} for line {lineId} while the order is {OrderLifecycle.Name(Status)}; the warehouse had no release for it.",
                now, lineId, location);
            return OrderLifecycle.IsTerminal(Status) ? null : line;
        }

        return line;
    }

    /// <summary>Units an event took out of the line's allocation at a location: the SKU-location is to give them back.</summary>
    private void ReleaseTaken(string kind, string eventKey, OrderLine line, string location, long quantity)
    {
        if (quantity > 0)
        {
            PendingReleases.Add(new AllocationRelease(ReleaseIdFor(OrderId, kind, eventKey, line.LineId), line.Sku, location, quantity));
        }
    }

    /// <summary>The id under which the SKU-location gives back what one warehouse event took from an order's allocation.</summary>
    public static string ReleaseIdFor(string orderId, string kind, string eventKey, string? lineId = null)
        => lineId is null ? $"order:{orderId}/{kind}/{eventKey}" : $"order:{orderId}/{kind}/{eventKey}/{lineId}";

    /// <summary>Takes units off a backorder and keeps its queue in step (a smaller entry, or none).</summary>
    private long ReduceBackorder(OrderLine line, string location, long quantity)
    {
        var taken = line.TakeBackorder(location, quantity);
        if (taken > 0)
        {
            if (line.Backorders.TryGetValue(location, out var rest))
            {
                line.Backorders[location] = rest with { Queued = false };
            }
            else
            {
                PendingWithdrawals.Add(new BackorderWithdrawal(line.LineId, line.Sku, location));
            }
        }

        return taken;
    }

    private void RaiseException(OrderExceptionKind kind, string detail, DateTimeOffset now, string? lineId = null, string? location = null)
    {
        ExceptionCount++;
        var exception = new OrderException(string.Create(CultureInfo.InvariantCulture, $"{OrderId}#{ExceptionCount}"), kind, now, detail, lineId, location);
        Exceptions.Add(exception);
        PublishException(exception, now);
        if (Exceptions.Count > ExceptionLimit)
        {
            Exceptions.RemoveAt(0);
        }

        Touch(now);
    }

    /// <summary>Remembers an event key; false when it was seen already (a duplicate).</summary>
    private bool Remember(string eventKey, DateTimeOffset now)
    {
        if (HasSeen(eventKey))
        {
            return false;
        }

        RecentEventKeys.Add(eventKey);
        if (RecentEventKeys.Count > EventKeyWindow)
        {
            RecentEventKeys.RemoveRange(0, RecentEventKeys.Count - EventKeyWindow);
        }

        Touch(now);
        return true;
    }

    private static string StatusNameOf(ReturnStatus status)
    {
        var name = status.ToString();
        return string.Concat(char.ToLowerInvariant(name[0]).ToString(), name[1..]);
    }

    /// <summary>The outbox changed outside a decision (entries handed off): a change to write, like any other.</summary>
    public void OutboxSettled(DateTimeOffset now) => Touch(now);

    private void Touch(DateTimeOffset now)
    {
        Version++;
        UpdatedAt = now;
    }
}
