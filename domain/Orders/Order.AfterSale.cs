using Grid.Domain.Outbound;

namespace Grid.Domain.Orders;

// Cancellation, invoices and returns.
public sealed partial class Order
{
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

    private static string StatusNameOf(ReturnStatus status)
    {
        var name = status.ToString();
        return string.Concat(char.ToLowerInvariant(name[0]).ToString(), name[1..]);
    }
}
