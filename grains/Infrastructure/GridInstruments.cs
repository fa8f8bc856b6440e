using System.Diagnostics.Metrics;

namespace Grid.Infrastructure;

/// <summary>Grid's business meter (DESIGN §7). One place, so instrument names never drift.</summary>
public static class GridInstruments
{
    public const string MeterName = "Grid";

    private static readonly Meter Meter = new(MeterName, "1.0");

    public static readonly Counter<long> AtpQueries = Meter.CreateCounter<long>("grid.atp.queries", "{query}", "ATP answers served.");

    public static readonly Counter<long> ReservationsGranted = Meter.CreateCounter<long>("grid.reservations.granted", "{reservation}", "Reservations granted.");

    public static readonly Counter<long> ReservationsRefused = Meter.CreateCounter<long>("grid.reservations.refused", "{reservation}", "Reservations refused for lack of ATP (oversell attempts stopped).");

    public static readonly Counter<long> ReservationsExpired = Meter.CreateCounter<long>("grid.reservations.expired", "{reservation}", "Reservations expired unused.");

    public static readonly Counter<long> InvariantViolations = Meter.CreateCounter<long>("grid.inventory.invariant_violations", "{violation}", "Inventory invariant breaches flagged for reconciliation.");

    public static readonly Histogram<double> WarehouseEventLag = Meter.CreateHistogram<double>(
        "grid.warehouse.event_lag", "s", "From a warehouse or supplier event's occurredAt to its durable application to its SKU-location.");

    public static readonly Counter<long> EventsApplied = Meter.CreateCounter<long>("grid.warehouse.events_applied", "{event}", "Queued warehouse and supplier events applied to their SKU-location.");

    public static readonly Counter<long> EventsRedelivered = Meter.CreateCounter<long>("grid.warehouse.events_redelivered", "{event}", "Queued events delivered again after they were applied (ignored).");

    public static readonly Counter<long> EventsRejected = Meter.CreateCounter<long>("grid.warehouse.events_rejected", "{event}", "Queued events their SKU-location refused to apply.");

    public static readonly Counter<long> OrdersSubmitted = Meter.CreateCounter<long>("grid.orders.submitted", "{order}", "Orders submitted (first submission only).");

    public static readonly Counter<long> OrderExceptions = Meter.CreateCounter<long>("grid.orders.exceptions", "{exception}", "Order exceptions raised (short picks, SLA breaches, carrier exceptions, unexpected warehouse events).");

    public static readonly Counter<long> SlaBreaches = Meter.CreateCounter<long>("grid.orders.sla_breaches", "{breach}", "Orders that stayed in a status beyond its SLA threshold.");

    public static readonly Counter<long> BackorderFills = Meter.CreateCounter<long>("grid.orders.backorder_fills", "{fill}", "Backorders (wholly or partly) allocated from stock that arrived.");
}
