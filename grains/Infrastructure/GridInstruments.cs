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
}
