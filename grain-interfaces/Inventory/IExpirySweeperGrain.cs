namespace Grid.Inventory;

/// <summary>
/// The one cluster-wide sweep that wakes SKU-locations whose reservations fell due while no silo held them (after a
/// restart, or once deactivated), found through the expiry time stored with each SKU-location's state.
/// </summary>
[Alias("grid.inventory.IExpirySweeperGrain")]
public interface IExpirySweeperGrain : IGrainWithIntegerKey
{
    /// <summary>Makes sure the sweep's reminder exists; every silo calls it at start-up.</summary>
    [Alias("Start")]
    Task Start();

    /// <summary>Sweeps now; answers how many SKU-locations it woke.</summary>
    [Alias("Sweep")]
    Task<int> Sweep();
}
