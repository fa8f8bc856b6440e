using System.Net;
using System.Text.Json;

namespace Grid.Tests.Gateway;

/// <summary>The availability feed and export as a channel reads them, over HTTP only.</summary>
internal static class FeedHttp
{
    /// <summary>One page of <c>GET /api/v1/availability/changes</c> (200 expected); <paramref name="query"/> starts with <c>?</c> or is empty.</summary>
    public static async Task<JsonElement> ChangesAsync(this HttpClient client, string query)
    {
        using var response = await client.GetAsync(new Uri($"/api/v1/availability/changes{query}", UriKind.Relative));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }

    /// <summary>Every change at <paramref name="location"/> after <paramref name="after"/> (none: from the start), without waiting.</summary>
    public static async Task<(List<JsonElement> Items, string Cursor)> ReadAllAsync(this HttpClient client, string location, string? after = null, string channel = "")
    {
        var items = new List<JsonElement>();
        var cursor = after;
        while (true)
        {
            var page = await client.ChangesAsync($"?wait=0&limit=100&locations={location}{(cursor is null ? "" : $"&after={cursor}")}{(channel.Length == 0 ? "" : $"&channel={channel}")}");
            var got = page.GetProperty("items").EnumerateArray().ToList();
            items.AddRange(got);
            cursor = page.GetProperty("cursor").GetString()!;
            if (got.Count < 100)
            {
                return (items, cursor);
            }
        }
    }

    /// <summary><c>GET /api/v1/availability/export</c>: the cursor it names and its lines.</summary>
    public static async Task<(string Cursor, List<JsonElement> Lines)> ExportAsync(this HttpClient client, string query = "")
    {
        using var response = await client.GetAsync(new Uri($"/api/v1/availability/export{query}", UriKind.Relative));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var cursor = Assert.Single(response.Headers.GetValues("Grid-Feed-Cursor"));
        var text = await response.Content.ReadAsStringAsync();
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
        return (cursor, lines);
    }

    public static string Sku(this JsonElement item) => item.GetProperty("sku").GetString()!;

    public static long Available(this JsonElement item) => item.GetProperty("available").GetInt64();
}

/// <summary>One Server-Sent Event as a client sees it.</summary>
internal sealed record SseEvent(string? Id, string Type, string Data)
{
    public JsonElement Json => JsonDocument.Parse(Data).RootElement.Clone();
}

/// <summary>An open <c>GET /api/v1/availability/stream</c>, read one event at a time.</summary>
internal sealed class SseReader : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseReader(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body);
    }

    public static async Task<SseReader> OpenAsync(HttpClient client, string query, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/v1/availability/stream{query}", UriKind.Relative));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            // Only here: the body of a stream that opened never ends.
            Assert.Fail($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new SseReader(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next event of <paramref name="type"/> (comments and other events are skipped), within a generous bound.</summary>
    public async Task<SseEvent> NextAsync(string type = "availability")
    {
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        string? id = null;
        string? eventType = null;
        var data = new List<string>();
        while (await _reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Count > 0 && (eventType ?? "message") == type)
                {
                    return new SseEvent(id, type, string.Join('\n', data));
                }

                (eventType, data) = (null, []);
                continue;
            }

            var colon = line.IndexOf(':');
            var (field, value) = colon < 0 ? (line, "") : (line[..colon], line[(colon + 1)..].TrimStart(' '));
            switch (field)
            {
                case "id": id = value; break;
                case "event": eventType = value; break;
                case "data": data.Add(value); break;
            }
        }

        throw new InvalidOperationException("The stream ended.");
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
