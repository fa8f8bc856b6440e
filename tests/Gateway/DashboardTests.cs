using System.Net;

namespace Grid.Tests.Gateway;

/// <summary>Dev mode serves the Orleans dashboard at /dashboard without a key (README gives the address).</summary>
[Collection(GridApiCollection.Name)]
public sealed class DashboardTests(GridApiFactory factory)
{
    [Fact]
    public async Task The_dashboard_is_open_in_dev_mode()
    {
        using var response = await factory.CreateAnonymousClient().GetAsync(new Uri("/dashboard/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }
}
