using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Grid.Gateway.OpenApi;

/// <summary>What each group of operations (OpenAPI tag) is for; a tag without a description here is left without one.</summary>
internal static class GridApiTags
{
    public static readonly IReadOnlyDictionary<string, string> Descriptions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Availability"] = "Available to promise per SKU, by location and channel, one SKU or many at once.",
        ["Reservations"] = "Hold stock for a cart or an order for a while; commit, extend or release the hold.",
        ["Inventory"] = "One SKU-location's stock, its recent movements, and its policy (safety stock, ring-fences per channel).",
        ["Warehouse events"] = "Events from the warehouse (WMS): receipts, adjustments, counts, picks, ship confirms, returns received. Queued, then applied at most once each.",
        ["Supplier events"] = "Events from suppliers: PO acknowledgements and ASNs announce inbound supply, delays move its ETA.",
        ["Orders"] = "Submit orders, follow them through sourcing, picking, shipping and delivery; cancellations and returns.",
        ["ERP"] = "What the ERP tells Grid: customer credit and groups, invoices, stock snapshots to reconcile against.",
        ["Allocation"] = "Product allocation: ration a SKU for a period by channel or customer group, and see what each quota has left.",
        ["Pre-orders"] = "Sell ahead of a SKU-location's dated inbound supply, up to a cap.",
        ["Locations"] = "Warehouses and stores: their name, type, regions and sourcing priority.",
        ["Shipments"] = "Shipments and their carrier milestones.",
        ["Imports"] = "Bulk imports for onboarding: opening stock, inventory policies, locations and customer credit from NDJSON or CSV, applied beside live traffic with per-line errors.",
        ["Operations"] = "For operators: order exceptions, event streams and queues, outbound deliveries and dead letters, reconciliation.",
    };

    public static OpenApiOptions AddGridTagDescriptions(this OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
            {
                if (tag.Name is not null && Descriptions.TryGetValue(tag.Name, out var description))
                {
                    tag.Description = description;
                }
            }

            return Task.CompletedTask;
        });
        return options;
    }
}
