using Grid.Gateway.Security;
using System.Collections.Immutable;
using Grid.Gateway.Problems;
using Grid.Gateway.Requests;
using Grid.Gateway.Validation;
using Grid.Inventory;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grid.Gateway.Apis;

/// <summary>Available-to-promise for sales channels: one SKU across its locations, or a batch of SKUs.</summary>
public static class AvailabilityApi
{
    public const int MaxBatchItems = 1000;

    public static RouteGroupBuilder MapAvailabilityApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/atp").WithTags("Availability")
            .RequireGridRole(GridRoles.Sales, GridRoles.Crm, GridRoles.Ops);

        group.MapGet("/{sku}", GetAvailability)
            .WithName("GetAvailability")
            .WithSummary("Network ATP of a SKU over its locations")
            .WithDescription("`locations=A,B` restricts the locations, `channel` applies that channel's ring-fences, `date` adds inbound supply due by then, "
                + "net of the units backorders wait for (they take arriving supply first). Stock held for waiting backorders (`heldForBackorders`) is never available. "
                + "With a product allocation policy, `channel` or `customerId` (by its customer group) caps `available` at the quota left, shown as `quota`.");

        group.MapPost("/query", QueryAvailability)
            .IsIdempotent()
            .WithName("QueryAvailability")
            .WithSummary($"ATP for up to {MaxBatchItems} SKUs in one call");

        return api;
    }

    public static async Task<Results<Ok<SkuAvailability>, ValidationProblem>> GetAvailability(
        string sku, string? locations, string? channel, string? date, string? customerId, IGrainFactory grains, ILocalAvailability local)
    {
        var errors = new FieldErrors();
        errors.Sku("sku", sku);
        var locationList = SplitLocations(locations, "locations", errors);
        if (channel is not null)
        {
            errors.Id("channel", channel);
        }

        errors.Id("customerId", customerId, required: false);
        if (!Parsing.TryParseSupplyDate(date, out var dueBy))
        {
            errors.Add("date", "'date' must be a day (2026-12-01) or an ISO-8601 timestamp.");
        }

        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        return TypedResults.Ok(await AvailabilityOf(sku, new AvailabilityQuery(channel, dueBy, customerId), locationList, grains, local));
    }

    public static async Task<Results<Ok<AvailabilityBatchResponse>, ValidationProblem>> QueryAvailability(
        AvailabilityBatchRequest? request, IGrainFactory grains, ILocalAvailability local)
    {
        var errors = new FieldErrors();
        if (request is null || !errors.Required("items", request.Items))
        {
            return GridProblems.Invalid("items", "'items' is required.");
        }

        if (request.Items.Count > MaxBatchItems)
        {
            return GridProblems.Invalid("items", $"At most {MaxBatchItems} items per query; {request.Items.Count} were sent.");
        }

        if (request.Channel is not null)
        {
            errors.Id("channel", request.Channel);
        }

        if (!Parsing.TryParseSupplyDate(request.Date, out var dueBy))
        {
            errors.Add("date", "'date' must be a day (2026-12-01) or an ISO-8601 timestamp.");
        }

        var queries = new List<(string Sku, ImmutableArray<string> Locations)>(request.Items.Count);
        for (var i = 0; i < request.Items.Count; i++)
        {
            var item = request.Items[i];
            if (!errors.Required($"items[{i}]", item))
            {
                continue;
            }

            errors.Sku($"items[{i}].sku", item.Sku);
            var locations = ImmutableArray<string>.Empty;
            if (item.Locations is not null)
            {
                for (var j = 0; j < item.Locations.Count; j++)
                {
                    errors.Location($"items[{i}].locations[{j}]", item.Locations[j]);
                }

                locations = [.. item.Locations];
            }

            queries.Add((item.Sku!, locations));
        }

        errors.Id("customerId", request.CustomerId, required: false);
        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        var query = new AvailabilityQuery(request.Channel, dueBy, request.CustomerId);
        var answers = await Task.WhenAll(queries.Select(q => AvailabilityOf(q.Sku, query, q.Locations, grains, local)));
        return TypedResults.Ok(new AvailabilityBatchResponse(answers));
    }

    /// <summary>From the SKU grain's view when that grain is active in this process, else from the grain.</summary>
    private static Task<SkuAvailability> AvailabilityOf(
        string sku, AvailabilityQuery query, ImmutableArray<string> locations, IGrainFactory grains, ILocalAvailability local)
        => local.TryGetAvailability(sku, query, locations, out var here)
            ? Task.FromResult(here)
            : grains.Ref<ISkuGrain>(Identifiers.SkuGrainKey(sku)).GetAvailability(query, locations);

    internal static ImmutableArray<string> SplitLocations(string? locations, string field, FieldErrors errors)
    {
        if (string.IsNullOrEmpty(locations))
        {
            return [];
        }

        var list = locations.Split(',', StringSplitOptions.TrimEntries);
        foreach (var location in list)
        {
            if (!Identifiers.IsValidLocation(location))
            {
                errors.Add(field, $"'{location}' is not a valid location (1–{Identifiers.MaxLocationLength} characters from A–Z, a–z, 0–9, '.', '_' and '-').");
            }
        }

        return [.. list];
    }
}

public sealed record AvailabilityBatchResponse(IReadOnlyList<SkuAvailability> Items);
