using System.Collections.Concurrent;
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

    /// <summary>
    /// Freshness as a WMS sees it: from the gateway accepting an event (the 202) to the change being visible in
    /// <c>GET /atp</c> (durable and told to the SKU's network figures). Seconds, with buckets from 5 ms.
    /// </summary>
    public static readonly Histogram<double> EventToAtp = Meter.CreateHistogram(
        "grid.warehouse.event_to_atp", "s",
        "From the gateway accepting a warehouse or supplier event to the change being visible in ATP reads.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60] });

    public static readonly Counter<long> EventsApplied = Meter.CreateCounter<long>("grid.warehouse.events_applied", "{event}", "Queued warehouse and supplier events applied to their SKU-location.");

    public static readonly Counter<long> EventsRedelivered = Meter.CreateCounter<long>("grid.warehouse.events_redelivered", "{event}", "Queued events delivered again after they were applied (ignored).");

    public static readonly Counter<long> EventsRejected = Meter.CreateCounter<long>("grid.warehouse.events_rejected", "{event}", "Queued events their SKU-location refused to apply.");

    public static readonly Counter<long> OrdersSubmitted = Meter.CreateCounter<long>("grid.orders.submitted", "{order}", "Orders submitted (first submission only).");

    public static readonly Counter<long> OrderExceptions = Meter.CreateCounter<long>("grid.orders.exceptions", "{exception}", "Order exceptions raised (short picks, SLA breaches, carrier exceptions, unexpected warehouse events).");

    public static readonly Counter<long> SlaBreaches = Meter.CreateCounter<long>("grid.orders.sla_breaches", "{breach}", "Orders that stayed in a status beyond its SLA threshold.");

    public static readonly Counter<long> BackorderFills = Meter.CreateCounter<long>("grid.orders.backorder_fills", "{fill}", "Backorders (wholly or partly) allocated from stock that arrived.");

    public static readonly Counter<long> OutboundDelivered = Meter.CreateCounter<long>("grid.outbound.delivered", "{event}", "Outbound events a target acknowledged (2xx), per target.");

    public static readonly Counter<long> OutboundFailedAttempts = Meter.CreateCounter<long>("grid.outbound.failed_attempts", "{attempt}", "Outbound delivery attempts that failed (retried or dead-lettered), per target.");

    public static readonly Counter<long> OutboundDeadLetters = Meter.CreateCounter<long>("grid.outbound.dead_letters", "{event}", "Outbound events given up on (permanent 4xx, too many attempts, too old), per target.");

    public static readonly Counter<long> OutboundCoalesced = Meter.CreateCounter<long>("grid.outbound.coalesced", "{event}", "Availability changes replaced by a newer one before delivery (latest wins), per target.");

    public static readonly Histogram<double> OutboundDeliveryLag = Meter.CreateHistogram<double>(
        "grid.outbound.delivery_lag", "s", "From an outbound event's time (the change) to its acknowledgement by the target, per target.");

    public static readonly Counter<long> ReconciliationDiscrepancies = Meter.CreateCounter<long>(
        "grid.reconciliation.discrepancies", "{discrepancy}", "SKUs whose ERP on-hand differed from Grid's in a stock snapshot.");

    public static readonly Counter<long> ExceptionsOpened = Meter.CreateCounter<long>(
        "grid.exceptions.opened", "{exception}", "Exceptions opened in the ops queue (repeats of an unresolved one are not counted), per kind.");

    public static readonly Counter<long> ExceptionsResolved = Meter.CreateCounter<long>(
        "grid.exceptions.resolved", "{exception}", "Exceptions resolved, per kind and by whom (person or system).");

    public static readonly Histogram<double> ExceptionResolutionSeconds = Meter.CreateHistogram<double>(
        "grid.exceptions.resolution_time", "s", "From an exception's first sighting to its resolution, per kind.");

    public static readonly Counter<long> KpiOrdersAccepted = Meter.CreateCounter<long>(
        "grid.kpi.orders_accepted", "{order}", "Orders accepted (sourced and not rejected): the denominator of order fallout.");

    public static readonly Counter<long> KpiOrdersNeedingAttention = Meter.CreateCounter<long>(
        "grid.kpi.orders_needing_attention", "{order}", "Orders that raised their first order exception (needed a person): the numerator of order fallout.");

    public static readonly Counter<long> KpiOrderLines = Meter.CreateCounter<long>(
        "grid.kpi.order_lines", "{line}", "Lines of accepted orders: the denominator of the fill rate.");

    public static readonly Counter<long> KpiOrderLinesFilled = Meter.CreateCounter<long>(
        "grid.kpi.order_lines_filled", "{line}", "Lines of accepted orders filled complete on first allocation: the numerator of the fill rate.");

    public static readonly Counter<long> KpiLinesShipped = Meter.CreateCounter<long>(
        "grid.kpi.lines_shipped", "{line}", "Order lines shipped complete: the denominator of promise accuracy.");

    public static readonly Counter<long> KpiLinesShippedByPromise = Meter.CreateCounter<long>(
        "grid.kpi.lines_shipped_by_promise", "{line}", "Order lines shipped complete by their promised date: the numerator of promise accuracy.");

    public static readonly Histogram<double> KpiShipmentPropagation = Meter.CreateHistogram(
        "grid.kpi.shipment_propagation", "s", "From a ship confirm applied to the order to the ERP target acknowledging its grid.order.shipped.v1.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600] });

    public static readonly Histogram<double> KpiOrderCycleTime = Meter.CreateHistogram(
        "grid.kpi.order_cycle_time", "s", "From an order's acceptance to its shipping in full.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 172800, 345600, 604800] });

    // Reconciliation drift per location at its latest snapshot reconciled on this silo.
    private static readonly ConcurrentDictionary<string, (long Units, long SkuLocations)> Drift = new(StringComparer.Ordinal);

    private static readonly ObservableGauge<long> KpiDriftUnits = Meter.CreateObservableGauge(
        "grid.kpi.reconciliation_drift_units", () => Drift.Select(d => new Measurement<long>(d.Value.Units, new KeyValuePair<string, object?>("location", d.Key))),
        "{unit}", "Units by which the ERP's on-hand and Grid's differed at the location's latest stock snapshot (reconciled on this silo).");

    private static readonly ObservableGauge<long> KpiDriftSkuLocations = Meter.CreateObservableGauge(
        "grid.kpi.reconciliation_drift_sku_locations", () => Drift.Select(d => new Measurement<long>(d.Value.SkuLocations, new KeyValuePair<string, object?>("location", d.Key))),
        "{sku_location}", "SKU-locations whose ERP on-hand differed from Grid's at the location's latest stock snapshot (reconciled on this silo).");

    /// <summary>A location's drift at its latest reconciled snapshot, for the drift gauges.</summary>
    public static void ReportDrift(string location, long units, long skuLocations) => Drift[location] = (units, skuLocations);

    // Outbox depth, oldest age and dead letters per target, as this silo's publisher activations last reported them.
    private static readonly ConcurrentDictionary<(string Target, int Partition), (long Depth, DateTimeOffset? Oldest, long DeadLetters)> Outboxes = new();

    private static readonly ObservableGauge<long> OutboxDepth = Meter.CreateObservableGauge(
        "grid.outbound.depth", () => Outboxes.GroupBy(o => o.Key.Target).Select(g => new Measurement<long>(g.Sum(o => o.Value.Depth), new KeyValuePair<string, object?>("target", g.Key))),
        "{event}", "Outbound events waiting per target (publishers active on this silo).");

    private static readonly ObservableGauge<double> OutboxOldestAge = Meter.CreateObservableGauge(
        "grid.outbound.oldest_age", () => Outboxes.GroupBy(o => o.Key.Target).Select(g => new Measurement<double>(
            g.Max(o => o.Value.Oldest is { } oldest ? Math.Max(0, (TimeProvider.System.GetUtcNow() - oldest).TotalSeconds) : 0), new KeyValuePair<string, object?>("target", g.Key))),
        "s", "Age of the oldest outbound event waiting per target (publishers active on this silo).");

    private static readonly ObservableGauge<long> OutboxDeadLetterGauge = Meter.CreateObservableGauge(
        "grid.outbound.dead_letters_held", () => Outboxes.GroupBy(o => o.Key.Target).Select(g => new Measurement<long>(g.Sum(o => o.Value.DeadLetters), new KeyValuePair<string, object?>("target", g.Key))),
        "{event}", "Outbound dead letters held per target (publishers active on this silo).");

    /// <summary>A publisher partition's figures for the outbox gauges.</summary>
    public static void ReportOutbox(string target, int partition, long depth, DateTimeOffset? oldest, long deadLetters)
        => Outboxes[(target, partition)] = (depth, oldest, deadLetters);
}
