using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Tests.Gateway;

/// <summary>Dev mode serves the Orleans dashboard at /dashboard without a key (README gives the address).</summary>
[Trait("Category", "Gateway")]
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

    [Fact]
    public void The_dashboard_samples_the_orleans_meter_at_grids_interval_not_every_second()
    {
        var hook = Grid.Silo.Hosting.DashboardSampling.Hook();

        Assert.NotNull(hook);
        var host = factory.Services.GetRequiredService(hook.Value.Host);
        Assert.Equal(5_000, hook.Value.Interval.GetValue(host));
        Assert.Equal(5_000, factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Orleans.Dashboard.DashboardOptions>>().Value.CounterUpdateIntervalMs);
    }
}

/// <summary>The process with <c>Grid:Dashboard=false</c>.</summary>
public sealed class NoDashboardApiFactory : GridApiFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Grid:Dashboard", "false");
    }
}

[Trait("Category", "Gateway")]
public sealed class DashboardSwitchedOffTests(NoDashboardApiFactory factory) : IClassFixture<NoDashboardApiFactory>
{
    [Fact]
    public async Task A_silo_with_the_dashboard_switched_off_serves_no_dashboard_and_still_serves_the_api()
    {
        using var client = factory.CreateClient();

        using var dashboard = await client.GetAsync(new Uri("/dashboard/", UriKind.Relative));
        using var atp = await client.GetAsync(new Uri("/api/v1/atp/SKU-NO-DASHBOARD", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, dashboard.StatusCode);
        Assert.Equal(HttpStatusCode.OK, atp.StatusCode);
    }
}
