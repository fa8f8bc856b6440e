using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Grid.Tests.Gateway;

/// <summary>The calls and checks the gateway specifications share, written against the public HTTP contract only.</summary>
internal static class GridHttp
{
    public const string Dc1 = "DC1";
    public const string Dc2 = "DC2";
    public const string Source = "wms-test";

    // ------------------------------------------------------------------ warehouse events

    public static Dictionary<string, object?> Receipt(string sku, long quantity, string location = Dc1, string? eventId = null, DateTimeOffset? occurredAt = null)
        => Event("receipt", sku, location, eventId, occurredAt, ("quantity", quantity));

    public static Dictionary<string, object?> Event(
        string type, string? sku, string location, string? eventId, DateTimeOffset? occurredAt, params (string Name, object? Value)[] fields)
    {
        var e = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["eventId"] = eventId ?? TestIds.New("EV"),
            ["source"] = Source,
            ["occurredAt"] = occurredAt ?? DateTimeOffset.UtcNow,
            ["type"] = type,
            ["location"] = location,
        };
        if (sku is not null)
        {
            e["sku"] = sku;
        }

        foreach (var (name, value) in fields)
        {
            e[name] = value;
        }

        return e;
    }

    public static Task<HttpResponseMessage> PostEventsAsync(this HttpClient client, params object[] events)
        => client.PostAsJsonAsync("/api/v1/warehouse/events", new { events });

    /// <summary>
    /// Posts the events and returns the 202 body <c>{ accepted, rejected }</c> once every accepted event has been
    /// applied: a 202 means queued, and the SKU-locations apply what is queued a moment later. Refused with 429 (the
    /// queues are behind: a silo just started on a busy machine), it posts again after <c>Retry-After</c>, as a WMS does.
    /// </summary>
    public static async Task<JsonElement> SendEventsAsync(this HttpClient client, params object[] events)
    {
        var response = await client.PostEventsAsync(events);
        for (var refused = 1; response.StatusCode == HttpStatusCode.TooManyRequests && refused <= 10; refused++)
        {
            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait);
            response = await client.PostEventsAsync(events);
        }

        using var _ = response;
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var result = await response.ReadJsonAsync();
        await client.WaitUntilAppliedAsync(events, result);
        return result;
    }

    /// <summary>
    /// Waits until the last accepted event of each SKU-location shows among its recent movements, and until network ATP
    /// shows the state that holds it (the SKU grain hears of a change once it is written, a moment after the SKU-location
    /// decided it). A SKU-location's events are applied in the order they were queued, so the earlier ones have been
    /// applied (or ignored) by then.
    /// </summary>
    public static async Task WaitUntilAppliedAsync(this HttpClient client, object[] events, JsonElement result)
    {
        var rejected = result.GetProperty("rejected").EnumerateArray().Select(r => r.GetProperty("index").GetInt32()).ToHashSet();
        var lastBySkuLocation = events
            .Select((e, index) => (Event: JsonSerializer.SerializeToElement(e), Index: index))
            .Where(e => !rejected.Contains(e.Index) && Text(e.Event, "sku") is not null && Text(e.Event, "disposition") != "scrap")
            .GroupBy(e => (Sku: Text(e.Event, "sku")!, Location: Text(e.Event, "location")!), e => Text(e.Event, "eventId")!)
            .Select(g => (g.Key.Sku, g.Key.Location, EventId: g.Last()));

        foreach (var (sku, location, eventId) in lastBySkuLocation)
        {
            var applied = await Eventually.ReadAsync(
                async () =>
                {
                    using var detail = await client.GetAsync(new Uri($"/api/v1/inventory/{sku}@{location}", UriKind.Relative));
                    return detail.StatusCode == HttpStatusCode.OK ? await detail.ReadJsonAsync() : default;
                },
                d => d.ValueKind == JsonValueKind.Object
                    && d.GetProperty("recentMovements").EnumerateArray().Any(m => m.GetProperty("eventId").GetString() == eventId),
                $"event {eventId} applied to {sku}@{location}");
            var asOf = applied.GetProperty("asOf").GetDateTimeOffset();
            await Eventually.ThatAsync(
                async () => (await client.GetAtpAsync(sku)).GetProperty("locations").EnumerateArray()
                    .Any(l => l.GetProperty("location").GetString() == location && l.GetProperty("asOf").ValueKind == JsonValueKind.String
                        && l.GetProperty("asOf").GetDateTimeOffset() >= asOf),
                $"network ATP of {sku} to show {location} as of {asOf:O}");
        }

        static string? Text(JsonElement e, string name)
            => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }

    /// <summary>Puts stock in with one receipt, and checks that it was accepted.</summary>
    public static async Task ReceiveAsync(this HttpClient client, string sku, long quantity, string location = Dc1)
    {
        var result = await client.SendEventsAsync(Receipt(sku, quantity, location));
        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        Assert.Empty(result.GetProperty("rejected").EnumerateArray());
    }

    // ------------------------------------------------------------------ availability and inventory

    public static async Task<JsonElement> GetAtpAsync(this HttpClient client, string sku, string query = "")
    {
        using var response = await client.GetAsync(new Uri($"/api/v1/atp/{sku}{query}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    public static async Task<long> AvailableAsync(this HttpClient client, string sku, string query = "")
        => (await client.GetAtpAsync(sku, query)).GetProperty("available").GetInt64();

    public static async Task<JsonElement> GetInventoryAsync(this HttpClient client, string sku, string location = Dc1)
    {
        using var response = await client.GetAsync(new Uri($"/api/v1/inventory/{sku}@{location}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    public static Task<HttpResponseMessage> PutPolicyAsync(this HttpClient client, string sku, object policy, string location = Dc1)
        => client.PutAsJsonAsync($"/api/v1/inventory/{sku}@{location}/policy", policy);

    // ------------------------------------------------------------------ reservations

    public static Dictionary<string, object?> Reservation(
        string sku, long quantity, string? reservationId = null, string channel = "web", string location = Dc1,
        int? ttlSeconds = null, bool? allowPartial = null, string? orderId = null)
    {
        var r = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["reservationId"] = reservationId ?? TestIds.New("RES"),
            ["sku"] = sku,
            ["location"] = location,
            ["quantity"] = quantity,
            ["channel"] = channel,
        };
        if (ttlSeconds is not null)
        {
            r["ttlSeconds"] = ttlSeconds;
        }

        if (allowPartial is not null)
        {
            r["allowPartial"] = allowPartial;
        }

        if (orderId is not null)
        {
            r["orderId"] = orderId;
        }

        return r;
    }

    public static Task<HttpResponseMessage> ReserveAsync(this HttpClient client, object request)
        => client.PostAsJsonAsync("/api/v1/reservations", request);

    /// <summary>Reserves and returns the 201 body.</summary>
    public static async Task<JsonElement> ReserveCreatedAsync(this HttpClient client, object request)
    {
        using var response = await client.ReserveAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    public static string ReservationPath(string sku, string reservationId, string location = Dc1)
        => $"/api/v1/reservations/{sku}@{location}/{reservationId}";

    public static Task<HttpResponseMessage> GetReservationAsync(this HttpClient client, string sku, string reservationId, string location = Dc1)
        => client.GetAsync(new Uri(ReservationPath(sku, reservationId, location), UriKind.Relative));

    public static Task<HttpResponseMessage> ReleaseAsync(this HttpClient client, string sku, string reservationId, string location = Dc1)
        => client.DeleteAsync(new Uri(ReservationPath(sku, reservationId, location), UriKind.Relative));

    /// <summary>
    /// Submits order <paramref name="orderId"/> whose one line takes over reservation <paramref name="reservationId"/>
    /// (cart to order): a committed reservation is always one its order lists, so a commit needs the order first.
    /// </summary>
    public static async Task SubmitOrderTakingAsync(this HttpClient client, string orderId, string sku, long quantity, string reservationId, string location = Dc1)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/orders", new
        {
            orderId,
            customerId = $"C-{orderId}",
            channel = "web",
            shipTo = new { region = "cart" },
            lines = new[] { new { lineId = "L1", sku, quantity, location, reservationIds = new[] { reservationId } } },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    public static Task<HttpResponseMessage> CommitAsync(this HttpClient client, string sku, string reservationId, object? body, string location = Dc1)
        => client.PostAsJsonAsync($"{ReservationPath(sku, reservationId, location)}/commit", body);

    public static Task<HttpResponseMessage> ExtendAsync(this HttpClient client, string sku, string reservationId, int ttlSeconds, string location = Dc1)
        => client.PostAsJsonAsync($"{ReservationPath(sku, reservationId, location)}/extend", new { ttlSeconds });

    /// <summary>Checks that nothing is stored under the reservation id: the GET answers 404.</summary>
    public static async Task AssertNoReservationAsync(this HttpClient client, string sku, string reservationId, string location = Dc1)
    {
        using var response = await client.GetReservationAsync(sku, reservationId, location);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    // ------------------------------------------------------------------ raw bodies and responses

    public static async Task<HttpResponseMessage> PostRawJsonAsync(this HttpClient client, string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await client.PostAsync(new Uri(path, UriKind.Relative), content);
    }

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
        => await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>Checks the status and the Problem Details media type, and returns the problem.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status} {status}, got {(int)response.StatusCode} {response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(text);
        var problem = document.RootElement.Clone();
        Assert.True(
            problem.TryGetProperty("status", out var code) && code.ValueKind == JsonValueKind.Number && code.GetInt32() == (int)status,
            $"The problem's 'status' member is not {(int)status}: {text}");
        return problem;
    }

    /// <summary>Checks for a 400 Problem Details whose <c>errors</c> names <paramref name="field"/>, and returns the problem.</summary>
    public static async Task<JsonElement> AssertBadRequestNamingAsync(this HttpResponseMessage response, string field)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out var errors), $"The problem has no 'errors': {problem}");
        var named = errors.EnumerateObject().Select(p => p.Name).ToList();
        Assert.True(named.Contains(field, StringComparer.Ordinal), $"'errors' names [{string.Join(", ", named)}], not '{field}'.");
        Assert.NotEmpty(errors.GetProperty(field).EnumerateArray());
        return problem;
    }

    public static string[] Strings(this JsonElement array, string property)
        => [.. array.EnumerateArray().Select(e => e.GetProperty(property).GetString() ?? "")];
}
