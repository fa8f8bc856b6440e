using System.Collections.Immutable;
using Grid.Gateway.Problems;
using Grid.Gateway.Security;
using Grid.Gateway.Validation;
using Grid.Outbound;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grid.Gateway.Apis;

/// <summary>
/// Stock reconciliation (DESIGN §5): the ERP posts a location's stock snapshot (<c>/api/v1/erp/stock-snapshots</c>), Grid
/// compares it with its on-hand per SKU and reports the discrepancies (<c>/api/v1/ops/reconciliation</c>, and as
/// <c>grid.reconciliation.discrepancy.v1</c> events) without changing either side.
/// </summary>
public static class ReconciliationApi
{
    public const int MaxItems = 10_000;
    public const int MaxLimit = 200;

    public static RouteGroupBuilder MapReconciliationApi(this RouteGroupBuilder api)
    {
        api.MapGroup("/erp/stock-snapshots").WithTags("ERP")
            .RequireGridRole(GridRoles.Erp, GridRoles.Ops)
            .MapPost("/", PostSnapshot)
            .WithName("PostStockSnapshot")
            .WithSummary("The ERP's stock count for a location; answers 202 with the comparison (idempotent by snapshotId)")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapGroup("/ops/reconciliation").WithTags("Operations")
            .RequireGridRole(GridRoles.Ops, GridRoles.Erp)
            .MapGet("/", GetReports)
            .WithName("GetReconciliation")
            .WithSummary("The latest reconciliation reports, newest first, with their discrepancies; ?location=, ?limit= (default 20)");

        return api;
    }

    public static async Task<Results<Accepted<ReconciliationReport>, ValidationProblem, ProblemHttpResult>> PostSnapshot(
        StockSnapshotRequest? request, IGrainFactory grains)
    {
        if (request is null)
        {
            return GridProblems.Invalid("body", "A JSON body is required.");
        }

        var errors = new FieldErrors();
        errors.Id("snapshotId", request.SnapshotId);
        errors.Location("location", request.Location);
        errors.Required("takenAt", request.TakenAt);
        var items = ImmutableArray.CreateBuilder<SnapshotItem>();
        if (request.Items is not { Count: > 0 } list)
        {
            errors.Add("items", "'items' must list at least one { sku, onHand }.");
        }
        else if (list.Count > MaxItems)
        {
            errors.Add("items", $"'items' may hold at most {MaxItems} SKUs per snapshot; send a location in several snapshots.");
        }
        else
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < list.Count; i++)
            {
                var item = list[i];
                if (item is null)
                {
                    errors.Add($"items[{i}]", "An item must be an object { sku, onHand }.");
                    continue;
                }

                errors.Sku($"items[{i}].sku", item.Sku);
                if (errors.Required($"items[{i}].onHand", item.OnHand) && item.OnHand < 0)
                {
                    errors.Add($"items[{i}].onHand", "'onHand' must be zero or more.");
                }

                if (item.Sku is not null && !seen.Add(item.Sku))
                {
                    errors.Add($"items[{i}].sku", $"SKU '{item.Sku}' is listed more than once.");
                }

                items.Add(new SnapshotItem(item.Sku ?? "", item.OnHand ?? 0));
            }
        }

        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        var result = await grains.GetGrain<IReconciliationGrain>(0).Reconcile(
            new StockSnapshot(request.SnapshotId!, request.Location!, request.TakenAt!.Value.ToUniversalTime(), items.ToImmutable()));
        return result.Code == ReconcileCode.Conflict
            ? GridProblems.Unprocessable("Snapshot id already used", $"Snapshot '{request.SnapshotId}' was already posted with different content.")
            : TypedResults.Accepted((string?)null, result.Report);
    }

    public static async Task<Results<Ok<ReconciliationResponse>, ValidationProblem>> GetReports(string? location, int? limit, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        if (location is not null)
        {
            errors.Location("location", location);
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"'limit' must be 1–{MaxLimit}.");
        }

        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        return TypedResults.Ok(new ReconciliationResponse(await grains.GetGrain<IReconciliationGrain>(0).GetReports(location, limit ?? 20)));
    }
}

public sealed record StockSnapshotItemRequest(string? Sku, long? OnHand);

public sealed record StockSnapshotRequest(string? SnapshotId, string? Location, DateTimeOffset? TakenAt, IReadOnlyList<StockSnapshotItemRequest?>? Items);

public sealed record ReconciliationResponse(ImmutableArray<ReconciliationReport> Reports);
