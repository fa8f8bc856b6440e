using Grid.Domain.Orders;
using Grid.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Grid.Orders;

/// <summary>A customer's credit as the ERP sets it. A release rings the orders the hold kept back; they read it back.</summary>
public sealed partial class CustomerGrain(
    [PersistentState("customer", StorageNames.Grid)] IPersistentState<CustomerCredit> store,
    TimeProvider clock,
    ILogger<CustomerGrain> logger) : Grain, ICustomerGrain
{
    private string CustomerId => OrderKeys.IdOf(this.GetPrimaryKeyString());

    public async Task<CustomerCreditView> SetCredit(CreditUpdate update)
    {
        var applied = store.State.Apply(update.Status.ToDomain(), update.Reason, update.UpdatedAt, clock.GetUtcNow());
        if (!applied)
        {
            LogStaleUpdate(CustomerId, update.UpdatedAt, store.State.UpdatedAt);
            return View(applied: false);
        }

        await WriteAsync();
        LogCreditSet(CustomerId, update.Status, update.Reason);
        foreach (var orderId in store.State.HeldOrders)
        {
            _ = GrainFactory.GetGrain<IOrderGrain>(OrderKeys.Order(orderId)).OnCreditChanged();
        }

        return View(applied: true);
    }

    public async Task<CustomerGroupView> SetGroup(CustomerGroupUpdate update)
    {
        if (!store.State.ApplyGroup(update.Group, update.UpdatedAt))
        {
            return GroupView(applied: false);
        }

        await WriteAsync();
        return GroupView(applied: true);
    }

    public Task<CustomerGroupView> GetGroup() => Task.FromResult(GroupView(applied: true));

    private CustomerGroupView GroupView(bool applied) => new(CustomerId, store.State.Group, store.State.GroupUpdatedAt, applied);

    public Task<CustomerCreditView> GetCredit() => Task.FromResult(View(applied: true));

    public async Task HoldOrder(string orderId)
    {
        if (store.State.HoldOrder(orderId))
        {
            await WriteAsync();
        }
    }

    public async Task ForgetOrder(string orderId)
    {
        if (store.State.ForgetOrder(orderId))
        {
            await WriteAsync();
        }
    }

    private CustomerCreditView View(bool applied)
    {
        var credit = store.State;
        return new CustomerCreditView(CustomerId, (CreditStatus)credit.Status, credit.Reason, credit.UpdatedAt, [.. credit.HeldOrders], applied);
    }

    private async Task WriteAsync()
    {
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            // Memory is now ahead of storage: the next activation starts again from what storage holds.
            DeactivateOnIdle();
            throw;
        }
    }

    [LoggerMessage(EventId = 1301, EventName = "CreditSet", Level = LogLevel.Information, Message = "Customer {CustomerId}: credit {Status} ({Reason})")]
    private partial void LogCreditSet(string customerId, CreditStatus status, string? reason);

    [LoggerMessage(EventId = 1302, EventName = "StaleCreditUpdate", Level = LogLevel.Information,
        Message = "Customer {CustomerId}: credit update of {UpdatedAt} ignored, the one of {Applied} is newer")]
    private partial void LogStaleUpdate(string customerId, DateTimeOffset updatedAt, DateTimeOffset? applied);
}
