using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Grid.Tests.Gateway.Security;

/// <summary>Request bodies and batches have upper bounds, answered with Problem Details naming the limit.</summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed class RequestLimitTests(GridApiFactory factory)
{
    private const int FiveMebibytes = 5 * 1024 * 1024;

    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task A_body_larger_than_the_limit_is_refused_with_413_before_it_is_read()
    {
        var json = "{ \"events\": [], \"padding\": \"" + new string('x', FiveMebibytes) + "\" }";

        using var response = await _client.PostRawJsonAsync("/api/v1/warehouse/events", json);

        var problem = await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("The request body is too large.", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_streamed_body_larger_than_the_limit_is_refused_with_413()
    {
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{ \"items\": [], \"padding\": \"" + new string('x', FiveMebibytes) + "\" }")));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/atp/query", UriKind.Relative)) { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _client.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_batch_over_1000_items_is_refused_naming_the_field()
    {
        var items = Enumerable.Range(0, 1001).Select(i => new { sku = $"SKU-{i}" }).ToList();

        using var response = await _client.PostAsJsonAsync("/api/v1/atp/query", new { items });

        var problem = await response.AssertBadRequestNamingAsync("items");
        Assert.Contains("At most 1000", problem.GetProperty("errors").GetProperty("items")[0].GetString(), StringComparison.Ordinal);
    }
}
