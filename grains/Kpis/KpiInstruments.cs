using Grid.Domain.Kpis;
using Kind = Grid.Domain.Kpis.KpiFactKind;
using Grid.Infrastructure;

namespace Grid.Kpis;

/// <summary>
/// The KPI facts as metrics (the <c>grid.kpi.*</c> instruments of <see cref="GridInstruments"/>), counted where the history
/// stores them. Sync latency and exception resolution time are already measured where they happen
/// (<c>grid.outbound.delivery_lag</c>, <c>grid.exceptions.resolution_time</c>).
/// </summary>
internal static class KpiInstruments
{
    public static void Record(KpiFact fact)
    {
        switch (fact.Kind)
        {
            case Kind.OrderAccepted:
                GridInstruments.KpiOrdersAccepted.Add(1);
                GridInstruments.KpiOrderLines.Add(fact.Count);
                GridInstruments.KpiOrderLinesFilled.Add(fact.Hits);
                break;
            case Kind.OrderNeedsAttention:
                GridInstruments.KpiOrdersNeedingAttention.Add(1);
                break;
            case Kind.LinesShipped:
                GridInstruments.KpiLinesShipped.Add(fact.Count);
                GridInstruments.KpiLinesShippedByPromise.Add(fact.Hits);
                break;
            case Kind.OrderShipped:
                GridInstruments.KpiOrderCycleTime.Record(fact.Seconds);
                break;
            case Kind.ShipmentPropagated:
                GridInstruments.KpiShipmentPropagation.Record(fact.Seconds);
                break;
            case Kind.Reconciled:
                GridInstruments.ReportDrift(fact.Key ?? "", fact.Count, fact.Hits);
                break;
        }
    }
}
