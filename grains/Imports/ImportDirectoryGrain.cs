using System.Collections.Immutable;
using Grid.Infrastructure;

namespace Grid.Imports;

/// <summary>The ids of the latest imports, newest first, for <c>GET /api/v1/imports</c>.</summary>
public sealed class ImportDirectoryGrain(
    [PersistentState("import-directory", StorageNames.Grid)] IPersistentState<ImportDirectoryState> store) : Grain, IImportDirectoryGrain
{
    public const int Kept = 100;

    public async Task Add(string importId)
    {
        if (store.State.Recent.Contains(importId))
        {
            return;
        }

        store.State.Recent.Insert(0, importId);
        if (store.State.Recent.Count > Kept)
        {
            store.State.Recent.RemoveRange(Kept, store.State.Recent.Count - Kept);
        }

        await store.WriteStateAsync();
    }

    public Task<ImmutableArray<string>> Recent(int limit) => Task.FromResult(store.State.Recent.Take(limit).ToImmutableArray());
}

public sealed class ImportDirectoryState
{
    public List<string> Recent { get; set; } = [];
}
