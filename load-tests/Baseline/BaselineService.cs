using Grid.LoadTests.Cli;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Grid.LoadTests.Baseline;

/// <summary>
/// The <c>baseline</c> verb: a minimal ASP.NET Core API with Grid's HTTP shapes for the endpoints the scenarios use,
/// backed by <see cref="BaselineStore"/> (PostgreSQL, row locks), plus the in-memory <see cref="CeilingStore"/> endpoint.
/// Runs until Ctrl+C or SIGTERM.
/// </summary>
internal static class BaselineService
{
    public const int MaxBatchItems = 1000;
    public const int MaxEventsPerRequest = 1000;

    /// <summary>Grid's defaults: 15 minutes unless the request says, at most one day.</summary>
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromMinutes(15);

    public static readonly TimeSpan MaxTtl = TimeSpan.FromDays(1);

    public static async Task<int> RunAsync(BaselineOptions options, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(options.Urls);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, BaselineJson.Default));
        builder.Services.AddProblemDetails();

        var dataSource = new NpgsqlDataSourceBuilder(options.ConnectionString).Build();
        await using (dataSource)
        {
            builder.Services.AddSingleton(dataSource);
            builder.Services.AddSingleton(options);
            builder.Services.AddSingleton<BaselineOutbox>();
            builder.Services.AddHostedService(services => services.GetRequiredService<BaselineOutbox>());
            builder.Services.AddSingleton<BaselineStore>();
            builder.Services.AddSingleton<CeilingStore>();

            var app = builder.Build();
            await using (app)
            {
                Map(app);

                var store = app.Services.GetRequiredService<BaselineStore>();
                try
                {
                    await store.CreateSchemaAsync(cancellationToken);
                }
                catch (NpgsqlException ex)
                {
                    throw new RunFailedException($"baseline: cannot create its tables in PostgreSQL ({Describe(options.ConnectionString)}): {ex.Message}", ex);
                }

                await app.StartAsync(cancellationToken);
                await app.WaitForShutdownAsync(cancellationToken);
            }
        }

        return ExitCodes.Success;
    }

    private static void Map(WebApplication app)
    {
        app.MapGet("/health/live", () => TypedResults.Text("Healthy"));
        app.MapGet("/health/ready", async Task<IResult> (BaselineStore store, CancellationToken ct)
            => await store.PingAsync(ct) ? TypedResults.Text("Healthy") : TypedResults.Text("Unhealthy", statusCode: StatusCodes.Status503ServiceUnavailable));

        app.MapGet("/api/v1/atp/{sku}", GetAtpAsync);
        app.MapPost("/api/v1/atp/query", QueryAtpAsync);
        app.MapPost("/api/v1/reservations", ReserveAsync);
        app.MapPost("/api/v1/warehouse/events", PostWarehouseEventsAsync);
        app.MapGet("/ceiling/atp/{sku}", GetCeilingAtp);
        app.MapGet("/api/v1/ops/outbox", async Task<IResult> (BaselineOutbox outbox, CancellationToken ct)
            => outbox.Enabled
                ? TypedResults.Ok(new OutboxAnswer([new OutboxTargetAnswer("baseline", await outbox.DepthAsync(ct))]))
                : TypedResults.Ok(new OutboxAnswer([])));
        app.MapPost("/api/v1/ops/outbox/{target}/pause", (string target, BaselineOutbox outbox) => Pause(outbox, paused: true));
        app.MapPost("/api/v1/ops/outbox/{target}/resume", (string target, BaselineOutbox outbox) => Pause(outbox, paused: false));
    }

    private static async Task<IResult> GetAtpAsync(string sku, string? locations, BaselineStore store, CancellationToken ct)
    {
        if (!BaselineIdentifiers.IsSku(sku))
        {
            return Invalid("sku", $"'sku' must be 1–{BaselineIdentifiers.MaxSkuLength} characters from A–Z, a–z, 0–9, '.', '_' and '-'.");
        }

        if (!TryLocations(locations, out var filter))
        {
            return Invalid("locations", "'locations' must be a comma-separated list of valid locations.");
        }

        var rows = await store.GetStockAsync(sku, ct);
        return TypedResults.Ok(Atp(sku, rows, filter));
    }

    private static async Task<IResult> QueryAtpAsync(AtpBatchRequest? request, BaselineStore store, CancellationToken ct)
    {
        if (request?.Items is null)
        {
            return Invalid("items", "'items' is required.");
        }

        if (request.Items.Count > MaxBatchItems)
        {
            return Invalid("items", $"At most {MaxBatchItems} items per query; {request.Items.Count} were sent.");
        }

        var items = new List<(string Sku, HashSet<string>? Locations)>(request.Items.Count);
        for (var i = 0; i < request.Items.Count; i++)
        {
            var item = request.Items[i];
            if (item is null || !BaselineIdentifiers.IsSku(item.Sku))
            {
                return Invalid($"items[{i}].sku", "A valid 'sku' is required.");
            }

            if (item.Locations is { Count: > 0 } && !item.Locations.All(BaselineIdentifiers.IsLocation))
            {
                return Invalid($"items[{i}].locations", "Every location must be valid.");
            }

            items.Add((item.Sku!, item.Locations is { Count: > 0 } l ? new HashSet<string>(l, StringComparer.Ordinal) : null));
        }

        var rows = await store.GetStockAsync(items.ConvertAll(i => i.Sku), ct);
        return TypedResults.Ok(new AtpBatchAnswer([.. items.Select(i => Atp(i.Sku, rows[i.Sku], i.Locations))]));
    }

    private static async Task<IResult> ReserveAsync(ReserveRequest? request, BaselineStore store, CancellationToken ct)
    {
        if (request is null)
        {
            return Invalid("body", "A JSON body is required.");
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!BaselineIdentifiers.IsId(request.ReservationId))
        {
            errors["reservationId"] = ["'reservationId' is required: 1–128 printable characters."];
        }

        if (!BaselineIdentifiers.IsSku(request.Sku))
        {
            errors["sku"] = ["'sku' is required: 1–64 characters from A–Z, a–z, 0–9, '.', '_' and '-'."];
        }

        if (!BaselineIdentifiers.IsLocation(request.Location))
        {
            errors["location"] = ["'location' is required: 1–32 characters from A–Z, a–z, 0–9, '.', '_' and '-'."];
        }

        if (request.Quantity is not > 0)
        {
            errors["quantity"] = ["'quantity' must be a positive whole number."];
        }

        if (!BaselineIdentifiers.IsId(request.Channel))
        {
            errors["channel"] = ["'channel' is required: 1–128 printable characters."];
        }

        if (request.OrderId is not null && !BaselineIdentifiers.IsId(request.OrderId))
        {
            errors["orderId"] = ["'orderId' must be 1–128 printable characters."];
        }

        if (request.TtlSeconds is <= 0)
        {
            errors["ttlSeconds"] = ["'ttlSeconds' must be a positive number of seconds."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The request is invalid.");
        }

        var ttl = request.TtlSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : DefaultTtl;
        var command = new ReserveCommand(
            request.ReservationId!, request.Sku!, request.Location!, request.Quantity!.Value, request.Channel!, request.OrderId, ttl > MaxTtl ? MaxTtl : ttl);
        var outcome = await store.ReserveAsync(command, ct);
        return outcome.Status switch
        {
            ReserveStatus.Granted or ReserveStatus.Replayed => TypedResults.Created(
                $"/api/v1/reservations/{Uri.EscapeDataString($"{command.Sku}@{command.Location}")}/{Uri.EscapeDataString(command.ReservationId)}",
                outcome.Reservation),
            ReserveStatus.Refused => TypedResults.Problem(
                $"{command.Quantity} requested, {outcome.Available} available at {command.Sku}@{command.Location}.",
                statusCode: StatusCodes.Status409Conflict,
                title: "Not enough available to promise.",
                extensions: new Dictionary<string, object?> { ["available"] = outcome.Available }),
            _ => TypedResults.Problem(
                $"Reservation '{command.ReservationId}' was made by a different request.",
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "The reservation id is already used by a different request.",
                extensions: new Dictionary<string, object?> { ["reservationId"] = command.ReservationId }),
        };
    }

    private static async Task<IResult> PostWarehouseEventsAsync(WarehouseEventsRequest? request, BaselineStore store, CeilingStore ceiling, CancellationToken ct)
    {
        if (request?.Events is null)
        {
            return Invalid("events", "'events' is required: an array of warehouse events.");
        }

        if (request.Events.Count > MaxEventsPerRequest)
        {
            return Invalid("events", $"At most {MaxEventsPerRequest} events per request; {request.Events.Count} were sent.");
        }

        var receipts = new List<Receipt>(request.Events.Count);
        var rejected = new List<RejectedWarehouseEvent>();
        for (var index = 0; index < request.Events.Count; index++)
        {
            var e = request.Events[index];
            var error = e is null ? "Each event must be a JSON object."
                : !BaselineIdentifiers.IsId(e.EventId) ? "'eventId' is required: 1–128 printable characters."
                : !BaselineIdentifiers.IsId(e.Source) ? "'source' is required: 1–128 printable characters."
                : e.OccurredAt is null ? "'occurredAt' is required."
                : e.Type != "receipt" ? $"'{e.Type}': the baseline applies receipts only."
                : !BaselineIdentifiers.IsSku(e.Sku) ? "'sku' is required and must be valid."
                : !BaselineIdentifiers.IsLocation(e.Location) ? "'location' is required and must be valid."
                : e.Quantity is not > 0 ? "'quantity' must be a positive whole number."
                : null;
            if (error is not null)
            {
                rejected.Add(new RejectedWarehouseEvent(index, e?.EventId, error));
                continue;
            }

            receipts.Add(new Receipt(e!.Source!, e.EventId!, e.Sku!, e.Location!, e.Quantity!.Value));
        }

        var changed = await store.ApplyReceiptsAsync(receipts, ct);
        ceiling.Record(changed);
        return TypedResults.Accepted((string?)null, new WarehouseEventsAnswer(receipts.Count, rejected));
    }

    private static IResult GetCeilingAtp(string sku, string? locations, CeilingStore ceiling)
    {
        if (!BaselineIdentifiers.IsSku(sku))
        {
            return Invalid("sku", $"'sku' must be 1–{BaselineIdentifiers.MaxSkuLength} characters from A–Z, a–z, 0–9, '.', '_' and '-'.");
        }

        return TryLocations(locations, out var filter)
            ? TypedResults.Ok(Atp(sku, ceiling.Get(sku), filter))
            : Invalid("locations", "'locations' must be a comma-separated list of valid locations.");
    }

    /// <summary>The ATP document: per location on hand − reserved (never below zero), summed over the locations.</summary>
    private static SkuAtp Atp(string sku, IEnumerable<StockRow> rows, HashSet<string>? locations)
    {
        var now = DateTimeOffset.UtcNow;
        var list = new List<LocationAtp>();
        long total = 0;
        foreach (var row in rows)
        {
            if (locations is not null && !locations.Contains(row.Location))
            {
                continue;
            }

            var available = Math.Max(0, row.OnHand - row.Reserved);
            total += available;
            list.Add(new LocationAtp(row.Location, available, row.OnHand, row.Reserved, 0, 0, 0, 0, [], now, null, false));
        }

        return new SkuAtp(sku, total, list, now);
    }

    private static bool TryLocations(string? text, out HashSet<string>? locations)
    {
        locations = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        var list = text.Split(',', StringSplitOptions.TrimEntries);
        if (!list.All(BaselineIdentifiers.IsLocation))
        {
            return false;
        }

        locations = new HashSet<string>(list, StringComparer.Ordinal);
        return true;
    }

    private static Ok Pause(BaselineOutbox outbox, bool paused)
    {
        outbox.Paused = paused;
        return TypedResults.Ok();
    }

    private static ValidationProblem Invalid(string field, string message)
        => TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The request is invalid.");

    private static string Describe(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"Host={b.Host};Port={b.Port};Database={b.Database}";
    }
}
