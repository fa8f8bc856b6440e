using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Grid.Orders;

/// <summary>
/// One order, keyed <see cref="OrderKeys.Order"/>: its lifecycle (DESIGN §4) from submission to closure. Every change is
/// durable before it is acknowledged. Warehouse events reach it on its stream (<see cref="GridStreams.Orders"/>).
/// </summary>
/// <remarks>
/// The grains an order calls (SKU-locations, backorder queues, customers, shipments) never call it and wait: they ring
/// it with a one-way call and it asks them for what changed. So no two of them can ever wait on each other.
/// </remarks>
[Alias("grid.orders.IOrderGrain")]
public interface IOrderGrain : IGrainWithStringKey
{
    /// <summary>
    /// Submits the order: credit check, sourcing and allocation, release when allowed. The same order again answers it
    /// as it stands (<see cref="OrderResultCode.Ok"/>); different content under its id is a conflict.
    /// </summary>
    [Alias("Submit")]
    Task<OrderResult> Submit(SubmitOrder command);

    [ReadOnly, Alias("Get")]
    Task<OrderResult> Get();

    [ReadOnly, Alias("GetTimeline")]
    Task<OrderTimelineView?> GetTimeline();

    /// <summary>
    /// A commit of reservation <paramref name="reservationId"/> at <paramref name="skuLocation"/> to this order, through
    /// the order: allowed only when a line lists the reservation (it was taken over at submission). Refused when none does.
    /// </summary>
    [Alias("CommitReservation")]
    Task<OrderResult> CommitReservation(string skuLocation, string reservationId);

    /// <summary>Cancels what has not shipped; refused once the order is fully shipped. Cancelling again answers the same.</summary>
    [Alias("Cancel")]
    Task<OrderResult> Cancel(string reason);

    /// <summary>Cancels what has not been picked or shipped of a line, giving back what it held; cancelling again answers the same.</summary>
    [Alias("CancelLine")]
    Task<OrderResult> CancelLine(string lineId, string reason);

    /// <summary>Reduces a line to <paramref name="quantity"/> units, giving back what the cancelled units held (idempotent: a target quantity).</summary>
    [Alias("ReduceLine")]
    Task<OrderResult> ReduceLine(string lineId, long quantity, string reason);

    /// <summary>The ERP posted an invoice for the order (idempotent by invoice id).</summary>
    [Alias("PostInvoice")]
    Task<OrderResult> PostInvoice(PostInvoice command);

    /// <summary>Authorizes a return of shipped units (idempotent by return id).</summary>
    [Alias("AuthorizeReturn")]
    Task<OrderResult> AuthorizeReturn(AuthorizeReturn command);

    /// <summary>Applies warehouse events directly (the stream is the usual way in); each at most once per (source, event id).</summary>
    [Alias("ApplyWarehouseEvents")]
    Task<OrderResult> ApplyWarehouseEvents(ImmutableArray<OrderWarehouseEvent> events);

    /// <summary>Checks the SLA of the order's current status now (its timer and reminder do this on their own).</summary>
    [Alias("CheckSla")]
    Task<OrderResult> CheckSla();

    /// <summary>The backorder queue at <paramref name="location"/> (<c>SKU@LOCATION</c>) has notices for this order (fills, promises).</summary>
    [OneWay, Alias("OnBackorderNotices")]
    Task OnBackorderNotices(string location);

    /// <summary>The customer's credit changed.</summary>
    [OneWay, Alias("OnCreditChanged")]
    Task OnCreditChanged();

    /// <summary>A shipment of this order recorded a milestone.</summary>
    [OneWay, Alias("OnShipmentChanged")]
    Task OnShipmentChanged(string shipmentId);
}

/// <summary>A customer, keyed <see cref="OrderKeys.Customer"/>: the credit status the ERP owns, and the orders a hold keeps back.</summary>
[Alias("grid.orders.ICustomerGrain")]
public interface ICustomerGrain : IGrainWithStringKey
{
    /// <summary>Applies the ERP's update unless a later one was applied already; a release rings the orders on hold.</summary>
    [Alias("SetCredit")]
    Task<CustomerCreditView> SetCredit(CreditUpdate update);

    /// <summary>The credit as last set; a customer the ERP never mentioned counts as active.</summary>
    [ReadOnly, Alias("GetCredit")]
    Task<CustomerCreditView> GetCredit();

    /// <summary>Applies the ERP's customer group unless a later update was applied already.</summary>
    [Alias("SetGroup")]
    Task<CustomerGroupView> SetGroup(CustomerGroupUpdate update);

    /// <summary>The customer group as last set (null: none).</summary>
    [ReadOnly, Alias("GetGroup")]
    Task<CustomerGroupView> GetGroup();

    /// <summary>An order waits on this customer's credit release.</summary>
    [Alias("HoldOrder")]
    Task HoldOrder(string orderId);

    /// <summary>An order no longer waits on this customer's credit.</summary>
    [Alias("ForgetOrder")]
    Task ForgetOrder(string orderId);
}

/// <summary>The stocking locations (master data) and which serve a ship-to region; one grain, key <see cref="OrderKeys.Singleton"/>.</summary>
[Alias("grid.orders.ILocationDirectoryGrain")]
public interface ILocationDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("Upsert")]
    Task<LocationView> Upsert(LocationInput location);

    [ReadOnly, Alias("List")]
    Task<ImmutableArray<LocationView>> List();

    /// <summary>The locations serving <paramref name="region"/>, by priority (lowest first).</summary>
    [ReadOnly, Alias("Candidates")]
    Task<ImmutableArray<LocationView>> Candidates(string region);

    /// <summary>
    /// Every location and the directory's version, or only that nothing changed since <paramref name="version"/>; and
    /// <paramref name="copy"/> is told of the next changes (renewed by each call, forgotten a minute after the last).
    /// </summary>
    [ReadOnly, Alias("Since")]
    Task<LocationDirectorySnapshot> Since(long version, ILocationDirectoryObserver copy);
}

/// <summary>A silo's copy of the location directory, told when the directory changed.</summary>
[Alias("grid.orders.ILocationDirectoryObserver")]
public interface ILocationDirectoryObserver : IGrainObserver
{
    [Alias("Changed")]
    Task Changed(long version);
}

/// <summary>
/// The backorders waiting at one SKU-location, keyed <c>SKU@LOCATION</c>: first come, first served. Promises dates from
/// the SKU-location's inbound supply, fills from its stock when it arrives, and rings the orders concerned.
/// </summary>
[Alias("grid.orders.IBackorderQueueGrain")]
public interface IBackorderQueueGrain : IGrainWithStringKey
{
    /// <summary>Queues a line (or sets its quantity, keeping its place) and answers its promise.</summary>
    [Alias("Enqueue")]
    Task<BackorderPromise> Enqueue(BackorderRequest request);

    [Alias("Withdraw")]
    Task Withdraw(string orderId, string lineId);

    [ReadOnly, Alias("GetNotices")]
    Task<ImmutableArray<BackorderNoticeView>> GetNotices(string orderId);

    /// <summary>The order applied its notices up to and including <paramref name="sequence"/>.</summary>
    [Alias("Acknowledge")]
    Task Acknowledge(string orderId, long sequence);

    /// <summary>The SKU-location's stock or inbound supply changed: fill what can be filled, promise again.</summary>
    [OneWay, Alias("OnStockChanged")]
    Task OnStockChanged();

    [ReadOnly, Alias("GetQueue")]
    Task<BackorderQueueView> GetQueue();

    /// <summary>Sets the SKU-location's pre-order terms (null ends pre-orders; those taken stay queued).</summary>
    [Alias("SetPreorders")]
    Task<PreorderView> SetPreorders(PreorderTermsInput? terms);

    [ReadOnly, Alias("GetPreorders")]
    Task<PreorderView> GetPreorders();

    /// <summary>
    /// Takes a pre-order for an order line against the dated inbound supply, within the cap, one at a time; accepted,
    /// it is queued (like a backorder) with its promised date. The same pre-order again answers the same.
    /// </summary>
    [Alias("Preorder")]
    Task<PreorderResult> Preorder(BackorderRequest request);
}

/// <summary>One shipment, keyed <see cref="OrderKeys.Shipment"/>: what it carries and its carrier milestones.</summary>
[Alias("grid.orders.IShipmentGrain")]
public interface IShipmentGrain : IGrainWithStringKey
{
    /// <summary>The warehouse confirmed the shipment (idempotent).</summary>
    [Alias("Confirm")]
    Task<ShipmentView> Confirm(ConfirmShipment command);

    /// <summary>Records a carrier milestone, once per event id, and rings the order.</summary>
    [Alias("AddMilestone")]
    Task<ShipmentView> AddMilestone(MilestoneInput milestone);

    /// <summary>The shipment; null when nothing is known of it.</summary>
    [ReadOnly, Alias("Get")]
    Task<ShipmentView?> Get();
}

