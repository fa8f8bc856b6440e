using System.Collections.Immutable;
using Grid.Domain.Orders;
using Grid.Infrastructure;
using Grid.Inventory;
using Grid.Outbound;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Grid.Orders;

/// <summary>
/// One order. Commands decide against <see cref="Order"/> in memory and are written before anything else is asked of
/// another grain; then the order does its pending work (reserve and commit stock, queue and withdraw backorders, give
/// allocations back, tell SKU-locations of picks, register shipments, hand exceptions to ops), each step idempotent,
/// and writes again. A failure in that work leaves it pending: the next command, ring, reminder or activation resumes it.
/// </summary>
/// <remarks>
/// Not reentrant: an order is one customer's and sees a handful of calls. It waits only on grains that never wait on
/// it (SKU-locations, the SKU grain, the location directory, backorder queues, customers, shipments, the ops list);
/// those tell it of changes with one-way rings, and it reads the change from them.
/// </remarks>
[ImplicitStreamSubscription(GridStreams.Orders)]
public sealed partial class OrderGrain : Grain, IOrderGrain, IRemindable, IStreamSubscriptionObserver, IAsyncBatchObserver<OrderWarehouseEvent>
{
    private const string SlaReminderName = "order-sla";

    private readonly IPersistentState<Order> _store;
    private readonly TimeProvider _clock;
    private readonly OrderOptions _options;
    private readonly SlaPolicy _sla;
    private readonly ILogger<OrderGrain> _logger;
    private readonly OutboundRouter _router;
    private readonly LocationDirectoryCache _locations;
    private IGrainTimer? _slaTimer;
    private bool _reminderRegistered;

    public OrderGrain(
        [PersistentState("order", StorageNames.Grid)] IPersistentState<Order> store,
        TimeProvider clock,
        IOptions<OrderOptions> options,
        OutboundRouter router,
        LocationDirectoryCache locations,
        ILogger<OrderGrain> logger)
    {
        _router = router;
        _locations = locations;
        _store = store;
        _clock = clock;
        _options = options.Value;
        _sla = _options.ToSlaPolicy();
        _logger = logger;
    }

    private Order Order => _store.State;

    private string OrderId => OrderKeys.IdOf(this.GetPrimaryKeyString());

    private DateTimeOffset Now => _clock.GetUtcNow();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _router.HostOutbox(Order.Outbox);
        if (!Order.IsEmpty)
        {
            await CatchUpAsync();
        }
    }

    // ---------------------------------------------------------------- commands

    public async Task<OrderResult> Submit(SubmitOrder command)
    {
        var submission = command.ToDomain();
        if (!Order.IsEmpty)
        {
            var resubmitted = Order.CheckResubmission(submission);
            if (resubmitted.IsError)
            {
                return Refusal(resubmitted);
            }

            await RunPendingWorkAsync();
            return Answer(OrderResultCode.Ok);
        }

        var cart = await CheckCartAsync(submission);
        if (cart.IsRefused)
        {
            return CartRefused(cart);
        }

        if (await TakePreordersAsync(command) is { } refused)
        {
            return refused;
        }

        var order = cart.Takeovers.Count > 0 ? Order.Submit(submission, cart.Takeovers, Now, _router.WantsEvent) : Order.Submit(submission, Now, _router.WantsEvent);
        var credit = await Customer(command.CustomerId).GetCredit();
        order.ApplyCredit(credit.Status.ToDomain(), credit.Reason, Now);
        _store.State = order;
        await WriteAsync();
        GridInstruments.OrdersSubmitted.Add(1);
        LogSubmitted(OrderId, command.CustomerId, command.Lines.Length);

        await RunPendingWorkAsync();
        return Answer(OrderResultCode.Created);
    }

    public Task<OrderResult> Get()
        => Task.FromResult(Order.IsEmpty ? NotFound() : Answer(OrderResultCode.Ok));

    public Task<OrderTimelineView?> GetTimeline() => Task.FromResult(Order.IsEmpty ? null : Order.ToTimeline());

    public Task<OrderResult> Cancel(string reason) => DecideAsync(order => order.Cancel(reason, Now));

    public Task<OrderResult> CancelLine(string lineId, string reason) => DecideAsync(order => order.CancelLine(lineId, reason, Now));

    public Task<OrderResult> ReduceLine(string lineId, long quantity, string reason) => DecideAsync(order => order.ReduceLine(lineId, quantity, reason, Now));

    public Task<OrderResult> PostInvoice(PostInvoice command)
        => DecideAsync(order => order.PostInvoice(
            command.InvoiceId,
            command.Lines is { } lines ? [.. lines.Select(l => new InvoiceLine(l.LineId, l.Quantity))] : null,
            command.PostedAt,
            Now));

    public Task<OrderResult> AuthorizeReturn(AuthorizeReturn command)
        => DecideAsync(order => order.AuthorizeReturn(command.ReturnId, [.. command.Lines.Select(l => new ReturnLineRequest(l.LineId, l.Quantity))], Now));

    public async Task<OrderResult> ApplyWarehouseEvents(ImmutableArray<OrderWarehouseEvent> events)
    {
        if (Order.IsEmpty)
        {
            return NotFound();
        }

        var changed = false;
        foreach (var e in events)
        {
            changed |= Apply(e);
        }

        await AfterChangeAsync(changed);
        return Answer(OrderResultCode.Ok);
    }

    public async Task<OrderResult> CheckSla()
    {
        if (Order.IsEmpty)
        {
            return NotFound();
        }

        await CheckSlaAsync();
        return Answer(OrderResultCode.Ok);
    }

    private async Task<OrderResult> DecideAsync(Func<Order, OrderDecision> decide)
    {
        if (Order.IsEmpty)
        {
            return NotFound();
        }

        var decision = decide(Order);
        if (decision.IsError)
        {
            LogRefused(OrderId, Order.Status, decision.Detail);
            return Refusal(decision);
        }

        await AfterChangeAsync(decision.Outcome == OrderOutcome.Changed);
        return Answer(OrderResultCode.Ok);
    }

    /// <summary>Writes a decided change, then does the work it left pending.</summary>
    private async Task AfterChangeAsync(bool changed)
    {
        if (changed)
        {
            await WriteAsync();
        }

        await RunPendingWorkAsync();
    }

    private IInventoryGrain Inventory(string sku, string location) => GrainFactory.Ref<IInventoryGrain>(Identifiers.SkuLocationKey(sku, location));

    private IBackorderQueueGrain BackorderQueue(string sku, string location) => GrainFactory.GetGrain<IBackorderQueueGrain>(OrderKeys.BackorderQueue(sku, location));

    private ICustomerGrain Customer(string customerId) => GrainFactory.GetGrain<ICustomerGrain>(OrderKeys.Customer(customerId));

    private OrderResult Answer(OrderResultCode code) => new(code, Order.ToView());

    private static OrderResult NotFound() => new(OrderResultCode.NotFound, null, "No such order.");

    private OrderResult Refusal(OrderDecision decision) => new(
        decision.Outcome switch
        {
            OrderOutcome.Conflict => OrderResultCode.Conflict,
            OrderOutcome.Invalid => OrderResultCode.Invalid,
            _ => OrderResultCode.Refused,
        },
        Order.IsEmpty ? null : Order.ToView(),
        decision.Detail,
        decision.Field);

    private async Task WriteAsync()
    {
        try
        {
            await _store.WriteStateAsync();
        }
        catch (Exception ex)
        {
            // Memory is now ahead of storage: the next activation starts again from what storage holds.
            LogWriteFailed(ex, OrderId);
            DeactivateOnIdle();
            throw;
        }
    }
}
