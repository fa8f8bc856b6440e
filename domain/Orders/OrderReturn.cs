using System.Text.Json.Serialization;

namespace Grid.Domain.Orders;

public enum ReturnStatus
{
    Authorized = 0,
    PartiallyReceived = 1,
    Received = 2,
    Closed = 3,
}

public enum ReturnDisposition
{
    /// <summary>Back on hand and sellable.</summary>
    Restock = 0,

    /// <summary>On hand but held from sale until inspected.</summary>
    Quarantine = 1,

    /// <summary>Written off: never back on hand.</summary>
    Scrap = 2,
}

public sealed record ReturnLineRequest(string LineId, long Quantity);

/// <summary>One line of a return: what was authorized and what came back, by disposition.</summary>
public sealed record ReturnLine(
    string LineId,
    string Sku,
    long Authorized,
    long Restocked = 0,
    long Quarantined = 0,
    long Scrapped = 0)
{
    [JsonIgnore] public long Received => Restocked + Quarantined + Scrapped;
}

public sealed record ReturnReceipt(DateTimeOffset At, string Sku, string Location, long Quantity, ReturnDisposition Disposition);

public sealed record ReturnTransition(DateTimeOffset At, ReturnStatus Status, string Cause);

/// <summary>
/// A return authorization (RMA) of an order: authorized → received at a location with a disposition → closed once
/// everything authorized is back, when the ERP is owed a credit memo for it.
/// </summary>
public sealed class OrderReturn
{
    public OrderReturn()
    {
    }

    public OrderReturn(string returnId, IEnumerable<ReturnLine> lines, DateTimeOffset now)
    {
        ReturnId = returnId;
        Lines = [.. lines];
        AuthorizedAt = now;
        UpdatedAt = now;
        History.Add(new ReturnTransition(now, ReturnStatus.Authorized, $"authorized: {Lines.Sum(l => l.Authorized)} unit(s)"));
    }

    [JsonInclude] public string ReturnId { get; private set; } = "";
    [JsonInclude] public ReturnStatus Status { get; private set; }
    [JsonInclude] public List<ReturnLine> Lines { get; private set; } = [];
    [JsonInclude] public List<ReturnReceipt> Receipts { get; private set; } = [];
    [JsonInclude] public List<ReturnTransition> History { get; private set; } = [];
    [JsonInclude] public DateTimeOffset AuthorizedAt { get; private set; }
    [JsonInclude] public DateTimeOffset UpdatedAt { get; private set; }
    [JsonInclude] public DateTimeOffset? ClosedAt { get; private set; }

    /// <summary>Units the ERP owes a credit memo for: everything received back (scrapped units too).</summary>
    [JsonIgnore] public long CreditMemoQuantity => Lines.Sum(l => l.Received);

    public bool IsSameRequestAs(IReadOnlyList<ReturnLineRequest> lines)
        => lines.Count == Lines.Count
        && lines.Zip(Lines).All(p => string.Equals(p.First.LineId, p.Second.LineId, StringComparison.Ordinal) && p.First.Quantity == p.Second.Authorized);

    /// <summary>
    /// Records units received back. Goes to the first line of that SKU with units still expected; returns the units
    /// received beyond what was authorized (recorded on the last line of the SKU, and to be raised as an exception).
    /// </summary>
    public long Receive(string sku, string location, long quantity, ReturnDisposition disposition, DateTimeOffset now)
    {
        var remaining = quantity;
        var lastOfSku = -1;
        for (var i = 0; i < Lines.Count && remaining > 0; i++)
        {
            var line = Lines[i];
            if (!string.Equals(line.Sku, sku, StringComparison.Ordinal))
            {
                continue;
            }

            lastOfSku = i;
            var take = Math.Min(remaining, line.Authorized - line.Received);
            if (take > 0)
            {
                Lines[i] = Add(line, take, disposition);
                remaining -= take;
            }
        }

        var over = remaining;
        if (over > 0 && lastOfSku >= 0)
        {
            Lines[lastOfSku] = Add(Lines[lastOfSku], over, disposition);
        }

        Receipts.Add(new ReturnReceipt(now, sku, location, quantity, disposition));
        UpdatedAt = now;
        var received = $"{quantity} {sku} received at {location} ({disposition.ToString().ToLowerInvariant()})";
        if (Status == ReturnStatus.Closed)
        {
            return lastOfSku < 0 ? quantity : over;
        }

        if (Lines.Any(l => l.Received < l.Authorized))
        {
            MoveTo(ReturnStatus.PartiallyReceived, received, now);
            return lastOfSku < 0 ? quantity : over;
        }

        MoveTo(ReturnStatus.Received, received, now);

        // The credit memo is the ERP's to issue; what it is owed is on the return. Nothing more is expected back.
        MoveTo(ReturnStatus.Closed, $"credit memo due from the ERP for {CreditMemoQuantity} unit(s)", now);
        ClosedAt = now;

        return lastOfSku < 0 ? quantity : over;
    }

    private void MoveTo(ReturnStatus status, string cause, DateTimeOffset now)
    {
        Status = status;
        History.Add(new ReturnTransition(now, status, cause));
    }

    private static ReturnLine Add(ReturnLine line, long quantity, ReturnDisposition disposition) => disposition switch
    {
        ReturnDisposition.Restock => line with { Restocked = line.Restocked + quantity },
        ReturnDisposition.Quarantine => line with { Quarantined = line.Quarantined + quantity },
        _ => line with { Scrapped = line.Scrapped + quantity },
    };
}
