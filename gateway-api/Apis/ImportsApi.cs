using System.Collections.Immutable;
using Grid.Gateway.Imports;
using Grid.Gateway.OpenApi;
using Grid.Gateway.Problems;
using Grid.Gateway.Security;
using Grid.Gateway.Validation;
using Grid.Imports;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Grid.Gateway.Apis;

/// <summary>
/// Bulk imports for onboarding (<c>/api/v1/imports</c>): opening stock, inventory policies, locations and customer
/// credit from NDJSON or CSV. The lines are stored before the 202; the cluster applies them a chunk at a time beside
/// live traffic, each line as its single-item endpoint would, and says how far it got with per-line errors.
/// </summary>
public static class ImportsApi
{
    public const int MaxIdLength = 64;
    public const int DefaultErrorLimit = 100;
    public const int MaxListLimit = 100;

    public const string NdjsonType = "application/x-ndjson";
    public const string CsvType = "text/csv";

    public static RouteGroupBuilder MapImportsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/imports").WithTags("Imports").RequireGridRole(GridRoles.Erp, GridRoles.Ops);

        group.MapPost("/", Post)
            .IsIdempotent()
            .WithRawRequestBody("One line of the import a line: NDJSON objects, or CSV records under a header row naming the fields (docs/imports.md).", NdjsonType, CsvType)
            .WithName("PostImport")
            .WithSummary("Start an import (?kind=stock|policies|locations|credit) from an NDJSON or CSV body; Idempotency-Key names it, so sending it again is the same import")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/", List)
            .WithName("GetImports")
            .WithSummary("The latest imports, newest first (?limit=, default 20), without their line errors");

        group.MapGet("/{importId}", Get)
            .WithName("GetImport")
            .WithSummary("An import's progress: state, lines applied and failed, line errors by line number (?errorOffset=, ?errorLimit= up to 1000)")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("/{importId}", Cancel)
            .WithName("CancelImport")
            .WithSummary("Stop a queued or running import after the chunk in hand; lines applied stay applied")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return api;
    }

    public static async Task<Results<Accepted<ImportStatus>, ValidationProblem, ProblemHttpResult>> Post(
        string? kind, HttpContext context, IGrainFactory grains, IOptions<GridImportOptions> options, IOptions<JsonOptions> json, TimeProvider clock)
    {
        if (ParseKind(kind) is not { } importKind)
        {
            return GridProblems.Invalid("kind", "'kind' must be stock, policies, locations or credit.");
        }

        if (importKind == ImportKind.Credit && !context.User.HasClaim(GridClaims.Role, GridRoles.Erp))
        {
            return TypedResults.Problem("Customer credit is the ERP's: a credit import needs the erp role, as PUT /customers/{customerId}/credit does.",
                statusCode: StatusCodes.Status403Forbidden, title: "Forbidden.");
        }

        var mediaType = context.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is not (NdjsonType or "application/jsonl" or CsvType))
        {
            return TypedResults.Problem($"An import body is {NdjsonType} (one JSON object a line) or {CsvType} (a header row, then one record a line), not '{mediaType ?? "none"}'.",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type.");
        }

        var importId = context.Request.Headers["Idempotency-Key"].ToString();
        if (importId.Length == 0)
        {
            importId = Guid.NewGuid().ToString("N");
        }
        else if (importId.Length > MaxIdLength || !Identifiers.IsValidId(importId))
        {
            return GridProblems.Invalid("Idempotency-Key", $"'Idempotency-Key' names the import: 1–{MaxIdLength} printable characters.");
        }

        var job = grains.GetGrain<IImportJobGrain>(importId);
        var known = await job.GetStatus(0, 0);
        if (known.State != ImportState.Unknown)
        {
            return known.Kind == importKind
                ? Accepted(known)
                : GridProblems.Conflict("The Idempotency-Key names another import.",
                    $"Import '{importId}' is a {Name(known.Kind)} import; this one is {Name(importKind)}. Send it with a key of its own.");
        }

        // Once the body is being read the request cannot be run again (ClusterChangeRetry): a grain that does not answer
        // is answered 503 here, and the client sends the import again with the same key.
        try
        {
            var lines = new ImportLines(importId, importKind, clock.GetUtcNow(), json.Value.SerializerOptions);
            var (start, problem) = await new ImportBody(grains, importId, lines, options.Value.ChunkLines)
                .ReadAsync(context.Request.Body, importKind, mediaType == CsvType, context.RequestAborted);
            return start is null ? GridProblems.Invalid("body", problem!) : Accepted(await job.Start(start));
        }
        catch (Exception e) when (ClusterChangeRetry.IsClusterChange(e) || ClusterChangeRetry.IsUnanswered(e) || StoreOutage.IsCause(e))
        {
            context.Response.Headers.RetryAfter = StoreOutage.RetryAfterSeconds;
            return TypedResults.Problem(
                $"The import's lines could not all be stored now. Send the same import again with Idempotency-Key '{importId}'; nothing is applied twice.",
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "The grid is briefly unavailable; retry shortly.");
        }
    }

    public static async Task<Ok<ImportsResponse>> List(int? limit, IGrainFactory grains)
    {
        var ids = await grains.GetGrain<IImportDirectoryGrain>(ImportKeys.Directory).Recent(Math.Clamp(limit ?? 20, 1, MaxListLimit));
        var imports = await Task.WhenAll(ids.Select(id => grains.GetGrain<IImportJobGrain>(id).GetStatus(0, 0)));
        return TypedResults.Ok(new ImportsResponse([.. imports]));
    }

    public static async Task<Results<Ok<ImportStatus>, ValidationProblem, ProblemHttpResult>> Get(
        string importId, int? errorOffset, int? errorLimit, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        if (errorOffset is < 0)
        {
            errors.Add("errorOffset", "'errorOffset' must be zero or more.");
        }

        if (errorLimit is < 0 or > ImportKeys.MaxKeptErrors)
        {
            errors.Add("errorLimit", $"'errorLimit' must be between 0 and {ImportKeys.MaxKeptErrors}.");
        }

        if (!errors.IsValid)
        {
            return GridProblems.Invalid(errors);
        }

        var status = await grains.GetGrain<IImportJobGrain>(importId).GetStatus(errorOffset ?? 0, errorLimit ?? DefaultErrorLimit);
        return status.State == ImportState.Unknown ? NotFound(importId) : TypedResults.Ok(status);
    }

    public static async Task<Results<Ok<ImportStatus>, ProblemHttpResult>> Cancel(string importId, IGrainFactory grains)
    {
        var job = grains.GetGrain<IImportJobGrain>(importId);
        return (await job.GetStatus(0, 0)).State == ImportState.Unknown ? NotFound(importId) : TypedResults.Ok(await job.Cancel());
    }

    private static Accepted<ImportStatus> Accepted(ImportStatus status) => TypedResults.Accepted($"/api/v1/imports/{Uri.EscapeDataString(status.ImportId)}", status);

    private static ProblemHttpResult NotFound(string importId) => GridProblems.NotFound($"No import '{importId}' is known.");

    private static ImportKind? ParseKind(string? kind) => kind switch
    {
        "stock" => ImportKind.Stock,
        "policies" => ImportKind.Policies,
        "locations" => ImportKind.Locations,
        "credit" => ImportKind.Credit,
        _ => null,
    };

    private static string Name(ImportKind kind) => kind.ToString().ToLowerInvariant();
}

public sealed record ImportsResponse(ImmutableArray<ImportStatus> Imports);
