using Grid.Infrastructure;

namespace Grid.Outbound;

/// <summary>
/// The snapshot ids in use whose hash picks this partition, each with the location that holds it. Written when a new
/// snapshot is entered or forgotten, never read whole: it holds at most the ids the locations' ledgers keep.
/// </summary>
public sealed class ReconciliationSnapshotIdsGrain(
    [PersistentState("reconciliation-ids", StorageNames.Grid)] IPersistentState<Dictionary<string, string>> store) : Grain, IReconciliationSnapshotIdsGrain
{
    /// <summary>How many partitions hold the ids; fixed, since changing it would forget which location holds an id.</summary>
    public const int Partitions = 64;

    public static int PartitionOf(string snapshotId) => Grid.Domain.StableHash.Bucket(snapshotId, Partitions);

    public async Task<bool> Claim(string snapshotId, string location)
    {
        if (store.State.TryGetValue(snapshotId, out var holder))
        {
            return holder == location;
        }

        store.State[snapshotId] = location;
        await store.WriteStateAsync();
        return true;
    }

    public async Task Release(string snapshotId, string location)
    {
        if (store.State.TryGetValue(snapshotId, out var holder) && holder == location)
        {
            store.State.Remove(snapshotId);
            await store.WriteStateAsync();
        }
    }
}
