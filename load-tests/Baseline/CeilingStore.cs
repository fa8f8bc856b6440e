using System.Collections.Concurrent;

namespace Grid.LoadTests.Baseline;

/// <summary>
/// The ceiling: stock figures held in process memory, filled from the receipts the baseline commits, and answered by
/// <c>GET /ceiling/atp/{sku}</c> in the ATP document's shape without touching the database. It is what a bare Kestrel
/// JSON endpoint serves from memory on this machine: an upper bound for any ATP read path, not a correct ATP (it does
/// not see reservations).
/// </summary>
internal sealed class CeilingStore
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, long>> _onHand = new(StringComparer.Ordinal);

    /// <summary>Records on-hand figures as committed (receipts only raise them, so the larger figure is the later one).</summary>
    public void Record(IEnumerable<StockRow> rows)
    {
        foreach (var row in rows)
        {
            var locations = _onHand.GetOrAdd(row.Sku, static _ => new ConcurrentDictionary<string, long>(StringComparer.Ordinal));
            locations.AddOrUpdate(row.Location, row.OnHand, (_, known) => Math.Max(known, row.OnHand));
        }
    }

    public IReadOnlyList<StockRow> Get(string sku)
    {
        if (!_onHand.TryGetValue(sku, out var locations))
        {
            return [];
        }

        var rows = locations.Select(l => new StockRow(sku, l.Key, l.Value, 0)).ToList();
        rows.Sort(static (a, b) => string.CompareOrdinal(a.Location, b.Location));
        return rows;
    }
}
