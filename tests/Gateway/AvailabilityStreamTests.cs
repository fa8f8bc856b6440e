using System.Net;

namespace Grid.Tests.Gateway;

/// <summary>
/// <c>GET /api/v1/availability/stream</c> in dev mode, over a real socket (Kestrel) and a plain client, as a channel
/// reads it: event by event while the server still writes.
/// </summary>
[Trait("Category", "Gateway")]
[Collection(GridKestrelApiCollection.Name)]
public sealed class AvailabilityStreamTests(GridKestrelApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateStreamingClient();
    private readonly string _location = TestIds.New("L");

    [Fact]
    public async Task The_stream_sends_each_change_as_an_event_and_resumes_after_Last_Event_ID()
    {
        var sku = TestIds.New("SKU");
        var (_, start) = await _client.ReadAllAsync(_location);
        await _client.ReceiveAsync(sku, 10, _location);

        SseEvent received;
        await using (var stream = await SseReader.OpenAsync(_client, $"?locations={_location}&after={start}"))
        {
            received = await stream.NextAsync();
        }

        await _client.ReserveCreatedAsync(GridHttp.Reservation(sku, 4, location: _location));
        await using var resumed = await SseReader.OpenAsync(_client, $"?locations={_location}", lastEventId: received.Id);
        var next = await resumed.NextAsync();

        Assert.Equal((sku, 10L), (received.Json.Sku(), received.Json.Available()));
        Assert.Equal(received.Id, received.Json.GetProperty("cursor").GetString());
        Assert.Equal((sku, 6L), (next.Json.Sku(), next.Json.Available()));
        Assert.NotEqual(received.Id, next.Id);
    }

    [Fact]
    public async Task A_stream_from_a_cursor_of_another_feed_is_refused_410_before_it_starts()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/availability/stream", UriKind.Relative));
        request.Headers.Add("Last-Event-ID", "0123456789abcdef-42");

        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        await response.AssertProblemAsync(HttpStatusCode.Gone);
    }

}
