using System.Collections.Immutable;
using Grid.Infrastructure;
using Microsoft.Extensions.Options;

namespace Grid.Orders;

/// <summary>The exceptions of every order, for ops; orders hand theirs over once they are durable on the order.</summary>
public sealed class OpsExceptionList
{
    /// <summary>Oldest first.</summary>
    public List<OrderExceptionView> Items { get; set; } = [];
}

public sealed class OrderExceptionsGrain(
    [PersistentState("order-exceptions", StorageNames.Grid)] IPersistentState<OpsExceptionList> store,
    IOptions<OrderOptions> options) : Grain, IOrderExceptionsGrain
{
    private HashSet<string>? _ids;

    private HashSet<string> Ids => _ids ??= store.State.Items.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);

    public async Task Record(ImmutableArray<OrderExceptionView> exceptions)
    {
        var added = false;
        foreach (var exception in exceptions)
        {
            if (Ids.Add(exception.Id))
            {
                store.State.Items.Add(exception);
                added = true;
            }
        }

        if (!added)
        {
            return;
        }

        var excess = store.State.Items.Count - options.Value.OpsExceptionLimit;
        if (excess > 0)
        {
            foreach (var gone in store.State.Items.Take(excess))
            {
                Ids.Remove(gone.Id);
            }

            store.State.Items.RemoveRange(0, excess);
        }

        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    public Task<ImmutableArray<OrderExceptionView>> List(OrderExceptionKind? kind, string? orderId, int limit)
        => Task.FromResult<ImmutableArray<OrderExceptionView>>([.. store.State.Items.AsEnumerable().Reverse()
            .Where(e => kind is null || e.Kind == kind)
            .Where(e => orderId is null || string.Equals(e.OrderId, orderId, StringComparison.Ordinal))
            .Take(limit)]);
}
