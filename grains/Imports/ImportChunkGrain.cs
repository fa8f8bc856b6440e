using System.Collections.Immutable;
using Grid.Infrastructure;

namespace Grid.Imports;

/// <summary>One chunk of an import's valid lines, durable before the import is acknowledged; cleared once applied.</summary>
public sealed class ImportChunkGrain(
    [PersistentState("import-chunk", StorageNames.Grid)] IPersistentState<ImportChunkState> store) : Grain, IImportChunkGrain
{
    public async Task Store(ImmutableArray<ImportItem> items)
    {
        store.State.Items = [.. items];
        await store.WriteStateAsync();

        // A chunk is written once and read once: it need not stay in memory in between.
        DeactivateOnIdle();
    }

    public Task<ImmutableArray<ImportItem>> Read()
    {
        DeactivateOnIdle();
        return Task.FromResult(store.State.Items.ToImmutableArray());
    }

    public async Task Clear()
    {
        if (store.RecordExists)
        {
            await store.ClearStateAsync();
        }

        DeactivateOnIdle();
    }
}

public sealed class ImportChunkState
{
    public List<ImportItem> Items { get; set; } = [];
}
