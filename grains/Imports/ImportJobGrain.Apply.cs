using System.Collections.Immutable;
using Grid.Inventory;
using Grid.Orders;

namespace Grid.Imports;

// Applying a chunk: each line through the grain call its single-item endpoint makes.
public sealed partial class ImportJobGrain
{
    /// <summary>
    /// Lines refused by their grain (<see cref="Errors"/>), and, when some call failed outright (a silo that did not
    /// answer), the lines it carried and why (<see cref="Transient"/>): the chunk is then applied again.
    /// </summary>
    private sealed record ChunkOutcome(List<ImportLineError> Errors, (ImmutableArray<int> Lines, Exception Error)? Transient);

    /// <summary>One grain call of a chunk, and the lines it applies.</summary>
    private sealed record Unit(ImmutableArray<int> Lines, Func<Task<IEnumerable<ImportLineError>>> Apply);

    private async Task<ChunkOutcome> ApplyAsync(ImmutableArray<ImportItem> items)
    {
        var units = new Queue<Unit>(Units(items));
        var errors = new List<ImportLineError>();
        var failedLines = ImmutableArray.CreateBuilder<int>();
        Exception? failure = null;

        // The grain runs one turn at a time, so the workers share the queue and the lists without locks.
        async Task WorkAsync()
        {
            while (units.TryDequeue(out var unit))
            {
                try
                {
                    errors.AddRange(await unit.Apply());
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    failure ??= e;
                    failedLines.AddRange(unit.Lines);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Math.Min(options.Value.Concurrency, units.Count)).Select(_ => WorkAsync()));
        return new ChunkOutcome(errors, failure is null ? null : (failedLines.ToImmutable(), failure));
    }

    private IEnumerable<Unit> Units(ImmutableArray<ImportItem> items) => State.Kind switch
    {
        // A SKU-location's counts of a chunk go in one call, in line order.
        ImportKind.Stock => items.GroupBy(i => i.Key, StringComparer.Ordinal)
            .Select(g => g.ToImmutableArray())
            .Select(lines => new Unit([.. lines.Select(l => l.Line)], () => ApplyStockAsync(lines))),
        ImportKind.Policies => items.Select(item => new Unit([item.Line], () => ApplyPolicyAsync(item))),
        ImportKind.Locations => items.Select(item => new Unit([item.Line], () => ApplyLocationAsync(item))),
        _ => items.Select(item => new Unit([item.Line], () => ApplyCreditAsync(item))),
    };

    /// <summary>Counts as cycle counts: a line applied before (same event id) is a duplicate, an older count is superseded; neither is an error.</summary>
    private async Task<IEnumerable<ImportLineError>> ApplyStockAsync(ImmutableArray<ImportItem> lines)
    {
        var outcomes = await GrainFactory.GetGrain<IInventoryGrain>(lines[0].Key).ApplyMovements([.. lines.Select(l => l.Movement!)]);
        return outcomes
            .Select((outcome, i) => (outcome, line: lines[i].Line))
            .Where(o => o.outcome.Code == MovementOutcomeCode.Rejected)
            .Select(o => new ImportLineError(o.line, "countedQuantity", o.outcome.Detail ?? "The count was refused."));
    }

    private async Task<IEnumerable<ImportLineError>> ApplyPolicyAsync(ImportItem item)
    {
        var result = await GrainFactory.GetGrain<IInventoryGrain>(item.Key).SetPolicy(item.Policy!);
        return result.Accepted ? [] : [new ImportLineError(item.Line, result.Field, result.Problem!)];
    }

    private async Task<IEnumerable<ImportLineError>> ApplyLocationAsync(ImportItem item)
    {
        await GrainFactory.GetGrain<ILocationDirectoryGrain>(OrderKeys.Singleton).Upsert(item.Location!);
        return [];
    }

    /// <summary>An update older than the one the customer holds changes nothing, as through the API; not an error.</summary>
    private async Task<IEnumerable<ImportLineError>> ApplyCreditAsync(ImportItem item)
    {
        await GrainFactory.GetGrain<ICustomerGrain>(OrderKeys.Customer(item.Key)).SetCredit(item.Credit!);
        return [];
    }
}
