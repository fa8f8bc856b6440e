using System.Net;

namespace Grid.Tests.Gateway;

/// <summary>Liveness and readiness, as an orchestrator or a load balancer reads them, without a key.</summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed class HealthTests(GridApiFactory factory)
{
    private readonly HttpClient _anonymous = factory.CreateAnonymousClient();

    [Fact]
    public async Task Liveness_answers_200_without_running_the_readiness_checks()
    {
        using var response = await _anonymous.GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Empty(body.GetProperty("checks").EnumerateObject());
    }

    [Fact]
    public async Task Readiness_reports_the_cluster_this_silos_membership_and_the_database()
    {
        using var response = await _anonymous.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var checks = (await response.ReadJsonAsync()).GetProperty("checks");
        Assert.Equal(["cluster", "database", "membership"], checks.EnumerateObject().Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.All(checks.EnumerateObject(), c => Assert.Equal("Healthy", c.Value.GetProperty("status").GetString()));
        Assert.Equal("1 active silo(s)", checks.GetProperty("cluster").GetProperty("description").GetString());
        Assert.StartsWith("this silo (", checks.GetProperty("membership").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("Dev mode: no database.", checks.GetProperty("database").GetProperty("description").GetString());
    }
}
