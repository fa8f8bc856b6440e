using System.Globalization;
using Grid.LoadTests.Http;

namespace Grid.LoadTests.Scenarios;

/// <summary>
/// The SKU-locations the <c>scale</c> verb makes resident: <see cref="Skus"/> SKUs (named as
/// <see cref="ScenarioSettings.Sku"/> names them, so that <c>atp-read</c> reads them) at <see cref="LocationsPerSku"/>
/// locations each (<c>L0</c>, <c>L1</c>, …), one receipt per SKU-location. Receipt <c>i</c> goes to SKU
/// <c>i / LocationsPerSku</c> at location <c>i % LocationsPerSku</c>, so a batch holds whole SKUs where it can and each
/// batch is built when it is sent: nothing holds more than the batches in flight.
/// </summary>
internal sealed class ScaleLayout
{
    public ScaleLayout(string runPrefix, int skus, int locationsPerSku, long quantity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(skus);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(locationsPerSku);
        Settings = new ScenarioSettings(runPrefix, skus, Location(0));
        LocationsPerSku = locationsPerSku;
        Quantity = quantity;
        SkuLocations = checked(skus * locationsPerSku);
    }

    /// <summary>Settings under which <see cref="AtpReadScenario"/> reads these SKUs uniformly.</summary>
    public ScenarioSettings Settings { get; }

    public string RunPrefix => Settings.RunPrefix;

    public int Skus => Settings.SkuCount;

    public int LocationsPerSku { get; }

    public int SkuLocations { get; }

    /// <summary>Units received at each SKU-location.</summary>
    public long Quantity { get; }

    public int Batches => (SkuLocations + StockSeeder.MaxEventsPerRequest - 1) / StockSeeder.MaxEventsPerRequest;

    public static string Location(int index) => "L" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The key (<c>SKU@LOCATION</c>) of SKU-location <paramref name="index"/>, the one receipt <c>index</c> went to.</summary>
    public string SkuLocationKey(int index) => $"{Settings.Sku(index / LocationsPerSku)}@{Location(index % LocationsPerSku)}";

    /// <summary>The receipts of batch <paramref name="batch"/> (0 ≤ batch &lt; <see cref="Batches"/>), made now.</summary>
    public ReceiptEvent[] Batch(int batch, DateTimeOffset occurredAt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(batch, Batches);
        var first = batch * StockSeeder.MaxEventsPerRequest;
        var events = new ReceiptEvent[Math.Min(StockSeeder.MaxEventsPerRequest, SkuLocations - first)];
        for (var n = 0; n < events.Length; n++)
        {
            var i = first + n;
            events[n] = new ReceiptEvent(
                $"{RunPrefix}-s{i.ToString(CultureInfo.InvariantCulture)}",
                StockSeeder.Source,
                occurredAt,
                "receipt",
                Settings.Sku(i / LocationsPerSku),
                Location(i % LocationsPerSku),
                Quantity);
        }

        return events;
    }
}
