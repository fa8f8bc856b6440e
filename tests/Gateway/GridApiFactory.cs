using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Grid.Tests.Gateway;

/// <summary>
/// The whole dev-mode process (silo on in-memory providers plus the gateway endpoints) behind the real ASP.NET Core
/// pipeline, on ports of its own so that it never meets a silo already running on this machine.
/// </summary>
public sealed class GridApiFactory : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Grid:Mode", "Dev");
        builder.UseSetting("Grid:SiloPort", FreePorts.Next().ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Grid:GatewayPort", FreePorts.Next().ToString(CultureInfo.InvariantCulture));
    }
}

[CollectionDefinition(Name)]
public sealed class GridApiCollection : ICollectionFixture<GridApiFactory>
{
    public const string Name = "Grid API (dev mode)";
}
