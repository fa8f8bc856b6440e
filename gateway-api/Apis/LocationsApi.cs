using Grid.Gateway.Security;
using System.Collections.Immutable;
using Grid.Gateway.Problems;
using Grid.Gateway.Requests;
using Grid.Gateway.Validation;
using Grid.Orders;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grid.Gateway.Apis;

/// <summary>Location master data: which locations serve which ship-to regions, and in what priority (lowest first).</summary>
public static class LocationsApi
{
    public const int MaxRegions = 100;

    public static RouteGroupBuilder MapLocationsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/locations").WithTags("Locations")
            .RequireGridRole(GridRoles.Ops, GridRoles.Erp);

        group.MapPut("/{location}", PutLocation)
            .IsIdempotent()
            .WithName("PutLocation")
            .WithSummary("Create or replace a location: name, type (dc, store, 3pl), the regions it serves and its sourcing priority");

        group.MapGet("/", GetLocations)
            .WithName("GetLocations")
            .WithSummary("Every location; ?region= gives the candidates for that ship-to region in sourcing order");

        return api;
    }

    public static async Task<Results<Ok<LocationResponse>, ValidationProblem>> PutLocation(string location, LocationRequest? request, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        errors.Location("location", location);
        if (request is null)
        {
            return GridProblems.Invalid("body", "A JSON body is required.");
        }

        if (ReadLocation(location, request, errors) is not { } input)
        {
            return GridProblems.Invalid(errors);
        }

        var stored = await grains.GetGrain<ILocationDirectoryGrain>(OrderKeys.Singleton)
            .Upsert(input);
        return TypedResults.Ok(LocationResponse.From(stored));
    }

    /// <summary>
    /// Checks a location as <c>PUT /locations/{location}</c> and an import line take it (the caller checks the id):
    /// the location, or null with <paramref name="errors"/> saying why.
    /// </summary>
    internal static LocationInput? ReadLocation(string location, LocationRequest request, FieldErrors errors)
    {
        errors.Text("name", request.Name, required: true);
        LocationType? type = request.Type switch
        {
            "dc" => LocationType.Dc,
            "store" => LocationType.Store,
            "3pl" => LocationType.ThirdPartyLogistics,
            _ => null,
        };
        if (errors.Required("type", request.Type) && type is null)
        {
            errors.Add("type", "'type' must be dc, store or 3pl.");
        }

        if (errors.Required("priority", request.Priority) && request.Priority < 0)
        {
            errors.Add("priority", "'priority' must be zero or more (lower is sourced from first).");
        }

        var regions = new List<string>();
        if (request.Regions is null || request.Regions.Count == 0)
        {
            errors.Add("regions", "'regions' is required: the ship-to regions this location serves.");
        }
        else if (request.Regions.Count > MaxRegions)
        {
            errors.Add("regions", $"At most {MaxRegions} regions; {request.Regions.Count} were sent.");
        }
        else
        {
            for (var i = 0; i < request.Regions.Count; i++)
            {
                errors.Id($"regions[{i}]", request.Regions[i]);
                if (request.Regions[i] is { } region)
                {
                    regions.Add(region);
                }
            }
        }

        return errors.IsValid
            ? new LocationInput(location, request.Name!, type!.Value, [.. regions.Distinct(StringComparer.Ordinal)], request.Priority!.Value)
            : null;
    }

    public static async Task<Results<Ok<LocationsResponse>, ValidationProblem>> GetLocations(string? region, IGrainFactory grains)
    {
        var directory = grains.GetGrain<ILocationDirectoryGrain>(OrderKeys.Singleton);
        if (region is null)
        {
            return TypedResults.Ok(new LocationsResponse([.. (await directory.List()).Select(LocationResponse.From)]));
        }

        var errors = new FieldErrors();
        errors.Id("region", region);
        return errors.IsValid
            ? TypedResults.Ok(new LocationsResponse([.. (await directory.Candidates(region)).Select(LocationResponse.From)]))
            : GridProblems.Invalid(errors);
    }
}

/// <summary>A location as the API spells it (<c>type</c> is dc, store or 3pl).</summary>
public sealed record LocationResponse(string Location, string Name, string Type, ImmutableArray<string> Regions, int Priority, DateTimeOffset UpdatedAt)
{
    public static LocationResponse From(LocationView view) => new(
        view.Location,
        view.Name,
        view.Type switch { LocationType.Dc => "dc", LocationType.Store => "store", _ => "3pl" },
        view.Regions,
        view.Priority,
        view.UpdatedAt);
}

public sealed record LocationsResponse(ImmutableArray<LocationResponse> Locations);
