using System.Collections.Immutable;
using Grid.Inventory;
using Grid.Orders;

namespace Grid.Imports;

/// <summary>What an onboarding import sets, one thing per line.</summary>
[GenerateSerializer, Alias("grid.imports.ImportKind")]
public enum ImportKind
{
    /// <summary>Opening stock: a count per SKU-location, applied as a cycle count.</summary>
    Stock = 0,

    /// <summary>Inventory policies: safety stock and ring-fences per SKU-location.</summary>
    Policies = 1,

    /// <summary>Locations: name, type, regions served, sourcing priority.</summary>
    Locations = 2,

    /// <summary>Customer credit: active or hold.</summary>
    Credit = 3,
}

[GenerateSerializer, Alias("grid.imports.ImportState")]
public enum ImportState
{
    /// <summary>No import has this id.</summary>
    Unknown = 0,
    Queued = 1,
    Running = 2,
    Completed = 3,
    Failed = 4,
    Cancelled = 5,
}

/// <summary>
/// One valid line of an import, as the single-item endpoint of its kind would hand it to its grain: exactly one of the
/// inputs is set. <see cref="Key"/> names the grain (<c>SKU@LOCATION</c>, the location, the customer id).
/// </summary>
[GenerateSerializer, Immutable, Alias("grid.imports.ImportItem")]
public sealed record ImportItem(
    [property: Id(0)] int Line,
    [property: Id(1)] string Key,
    [property: Id(2)] WarehouseMovement? Movement = null,
    [property: Id(3)] InventoryPolicy? Policy = null,
    [property: Id(4)] LocationInput? Location = null,
    [property: Id(5)] CreditUpdate? Credit = null);

/// <summary>A line that was not applied: its number (1 is the first line of data), the field at fault, and why.</summary>
[GenerateSerializer, Immutable, Alias("grid.imports.ImportLineError")]
public sealed record ImportLineError(
    [property: Id(0)] int Line,
    [property: Id(1)] string? Field,
    [property: Id(2)] string Reason);

/// <summary>
/// Starts an import whose valid lines are stored in <see cref="Chunks"/> chunks (<see cref="IImportChunkGrain"/>);
/// <see cref="Rejected"/> are the lines refused while reading (up to the error cap; <see cref="RejectedCount"/> counts all).
/// </summary>
[GenerateSerializer, Immutable, Alias("grid.imports.ImportStart")]
public sealed record ImportStart(
    [property: Id(0)] ImportKind Kind,
    [property: Id(1)] int TotalLines,
    [property: Id(2)] int Chunks,
    [property: Id(3)] int RejectedCount,
    [property: Id(4)] ImmutableArray<ImportLineError> Rejected,
    [property: Id(5)] string Format);

/// <summary>Where an import stands: its counts, the first line errors (up to the cap) and its times.</summary>
[GenerateSerializer, Immutable, Alias("grid.imports.ImportStatus")]
public sealed record ImportStatus(
    [property: Id(0)] string ImportId,
    [property: Id(1)] ImportState State,
    [property: Id(2)] ImportKind Kind,
    [property: Id(3)] string Format,
    [property: Id(4)] int TotalLines,
    [property: Id(5)] int AppliedLines,
    [property: Id(6)] int FailedLines,
    [property: Id(7)] int Chunks,
    [property: Id(8)] int AppliedChunks,
    [property: Id(9)] ImmutableArray<ImportLineError> Errors,
    [property: Id(10)] int ErrorsKept,
    [property: Id(11)] DateTimeOffset? CreatedAt,
    [property: Id(12)] DateTimeOffset? StartedAt,
    [property: Id(13)] DateTimeOffset? FinishedAt,
    [property: Id(14)] string? Problem = null);

/// <summary>
/// One chunk of an import's valid lines, stored before the import is acknowledged (key <c>importId#n</c>). Its lines
/// stay until the import applied them.
/// </summary>
[Alias("grid.imports.IImportChunkGrain")]
public interface IImportChunkGrain : IGrainWithStringKey
{
    [Alias("Store")]
    Task Store(ImmutableArray<ImportItem> items);

    [Alias("Read")]
    Task<ImmutableArray<ImportItem>> Read();

    [Alias("Clear")]
    Task Clear();
}

/// <summary>
/// One import (key: its id). Applies its chunks in order, a few lines at a time, each at most once in effect, and picks
/// up after a restart from the first chunk it had not finished.
/// </summary>
[Alias("grid.imports.IImportJobGrain")]
public interface IImportJobGrain : IGrainWithStringKey
{
    /// <summary>Starts the import, or, when it was started already, answers where it stands (same id, same import).</summary>
    [Alias("Start")]
    Task<ImportStatus> Start(ImportStart start);

    /// <summary>Where the import stands; <paramref name="errorOffset"/> and <paramref name="errorLimit"/> page the kept line errors.</summary>
    [Orleans.Concurrency.AlwaysInterleave, Alias("GetStatus")]
    Task<ImportStatus> GetStatus(int errorOffset, int errorLimit);

    /// <summary>Stops a queued or running import after the chunk in hand; lines applied stay applied.</summary>
    [Alias("Cancel")]
    Task<ImportStatus> Cancel();
}

/// <summary>The most recent imports, newest first (one for the cluster).</summary>
[Alias("grid.imports.IImportDirectoryGrain")]
public interface IImportDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("Add")]
    Task Add(string importId);

    [Alias("Recent")]
    Task<ImmutableArray<string>> Recent(int limit);
}

public static class ImportKeys
{
    public static string Chunk(string importId, int chunk) => $"{importId}#{chunk}";

    public const long Directory = 0;

    /// <summary>Line errors an import keeps (the first ones by line number); the count covers them all.</summary>
    public const int MaxKeptErrors = 1000;
}
