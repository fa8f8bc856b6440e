using System.Collections.Immutable;
using Grid.Domain;
using Grid.Infrastructure;

namespace Grid.Inventory;

// Warehouse and supplier events delivered from this SKU-location's stream partition, applied exactly once by queue position.
public sealed partial class InventoryGrain
{
    // ---------------------------------------------------------------- queued events
    // Warehouse and supplier events arrive from this SKU-location's stream partition (InventoryPartitionGrain). The
    // queue forgets them only once this returns, after the write that holds their effect; a redelivery after a crash
    // carries a queue position at or before the last one applied and changes nothing.

    public async Task ApplyDelivered(ImmutableArray<DeliveredMovement> movements)
    {
        var now = Now;
        var changed = false;
        var applied = new List<(DateTimeOffset OccurredAt, DateTimeOffset? AcceptedAt)>(movements.Length);
        foreach (var delivered in movements)
        {
            if (DeliveryMarks.Of(delivered.Mark) is { } mark)
            {
                if (_inventory.WasDelivered(mark))
                {
                    GridInstruments.EventsRedelivered.Add(1);
                    continue;
                }

                changed |= _inventory.MarkDelivered(mark);
            }

            var (outcome, effect) = Decide(delivered.Movement, now);
            changed |= effect;
            if (outcome.Code == MovementOutcomeCode.Rejected)
            {
                GridInstruments.EventsRejected.Add(1);
                LogQueuedEventRejected(Key, outcome.EventId, outcome.Detail);
            }
            else
            {
                applied.Add((delivered.Movement.OccurredAt, delivered.AcceptedAt));
            }
        }

        await DurableAsync(changed);

        var appliedAt = Now;
        GridInstruments.EventsApplied.Add(applied.Count);
        foreach (var (occurredAt, acceptedAt) in applied)
        {
            GridInstruments.WarehouseEventLag.Record(Math.Max(0, (appliedAt - occurredAt).TotalSeconds));
            if (acceptedAt is { } accepted)
            {
                GridInstruments.EventToAtp.Record(Math.Max(0, (appliedAt - accepted).TotalSeconds));
            }
        }
    }

    private (MovementOutcome Outcome, bool Changed) Decide(WarehouseMovement movement, DateTimeOffset now)
    {
        var decision = _inventory.Apply(movement.ToDomain(), now, _rules);
        if (decision.Flagged)
        {
            GridInstruments.InvariantViolations.Add(1);
            LogMovementFlagged(Key, movement.EventId, movement.Type, decision.Detail);
        }

        return (decision.ToContract(), decision.Result is MovementResult.Applied or MovementResult.Superseded);
    }
}
