using System.Net;
using System.Net.Http.Json;

namespace Grid.Tests.Gateway;

/// <summary><c>/api/v1/ops/streams</c> in dev mode, where the event streams live in memory.</summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed class StreamOperationsApiTests(GridApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Dev_mode_reports_its_event_streams_as_in_memory_without_dead_letters()
    {
        using var response = await _client.GetAsync(new Uri("/api/v1/ops/streams", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("grid-events", body.GetProperty("provider").GetString());
        Assert.False(body.GetProperty("durable").GetBoolean());
        Assert.Equal(0, body.GetProperty("deadLetters").GetInt64());
    }

    [Fact]
    public async Task Replaying_dead_letters_in_dev_mode_answers_404_saying_why()
    {
        using var response = await _client.PostAsJsonAsync("/api/v1/ops/streams/dead-letters/replay", new { });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("in memory", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
