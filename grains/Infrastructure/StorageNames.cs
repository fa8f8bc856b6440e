namespace Grid.Infrastructure;

/// <summary>Names of the providers grains use; the silo host registers them for the chosen mode.</summary>
public static class StorageNames
{
    /// <summary>Grain state of SKU-locations, SKUs and (later) orders.</summary>
    public const string Grid = "grid";

    /// <summary>SKU-location state: written as deltas (the header and the reservations that changed), never whole.</summary>
    public const string Inventory = "inventory";

    /// <summary>Outbound publisher queues: written as rows (the header, and the subjects and entries that changed), never whole.</summary>
    public const string Outbound = "outbound";
}
