using System.Net;

namespace Grid.Tests.Gateway;

/// <summary><c>/api/v1/ops/cluster</c>: the silos and how work spreads over them.</summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed class ClusterOperationsApiTests(GridApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task The_dev_silo_is_listed_as_active_with_its_activations_and_memory()
    {
        // An ATP read activates at least the SKU grain.
        using var read = await _client.GetAsync(new Uri($"/api/v1/atp/{TestIds.New("SKU")}", UriKind.Relative));

        using var response = await _client.GetAsync(new Uri("/api/v1/ops/cluster", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal(1, body.GetProperty("silos").GetInt32());
        var silo = body.GetProperty("members")[0];
        Assert.Equal("active", silo.GetProperty("status").GetString());
        Assert.True(silo.GetProperty("activations").GetInt64() > 0);
        Assert.Equal(body.GetProperty("activations").GetInt64(), silo.GetProperty("activations").GetInt64());
        Assert.True(silo.GetProperty("memoryUsageBytes").GetInt64() > 0);
    }
}
