namespace Grid.Inventory;

/// <summary>
/// The consumer of one inventory stream partition (key <c>#n</c>, see <see cref="GridStreams.InventoryPartition"/>).
/// Only the stream provider calls it; it has no methods of its own.
/// </summary>
[Alias("grid.inventory.IInventoryPartitionGrain")]
public interface IInventoryPartitionGrain : IGrainWithStringKey;
