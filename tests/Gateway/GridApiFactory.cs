using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Grid.Gateway.Security;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Grid.Tests.Gateway;

/// <summary>
/// The whole dev-mode process (silo on in-memory providers plus the gateway endpoints) behind the real ASP.NET Core
/// pipeline, on ports of its own so that it never meets a silo already running on this machine. Its clients
/// (<see cref="WebApplicationFactory{TEntryPoint}.CreateClient()"/>) send the dev key holding every role, and are not rate
/// limited; <see cref="CreateAnonymousClient"/> sends no key.
/// </summary>
public class GridApiFactory : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Grid:Mode", "Dev");
        builder.UseSetting("Grid:SiloPort", FreePorts.Next().ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Grid:GatewayPort", FreePorts.Next().ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Grid:RateLimits:PermitsPerWindow", "0");
    }

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Add(GridAuthOptions.HeaderName, DevKeys.AllRoles);
    }

    /// <summary>A client that sends no API key (add one per request to try keys and roles).</summary>
    public HttpClient CreateAnonymousClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Remove(GridAuthOptions.HeaderName);
        return client;
    }
}

[CollectionDefinition(Name)]
public sealed class GridApiCollection : ICollectionFixture<GridApiFactory>
{
    public const string Name = "Grid API (dev mode)";
}

/// <summary>The dev-mode process of <see cref="GridApiFactory"/> on a real Kestrel socket, for responses read while they are written (Server-Sent Events).</summary>
public sealed class GridKestrelApiFactory : GridApiFactory
{
    public GridKestrelApiFactory() => UseKestrel(0);

    /// <summary>
    /// A plain client of the Kestrel address (no handlers of the factory's own), for reading a response as it is written.
    /// It sends the dev key holding every role.
    /// </summary>
    public HttpClient CreateStreamingClient()
    {
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address) };
        client.DefaultRequestHeaders.Add(GridAuthOptions.HeaderName, DevKeys.AllRoles);
        return client;
    }
}

[CollectionDefinition(Name)]
public sealed class GridKestrelApiCollection : ICollectionFixture<GridKestrelApiFactory>
{
    public const string Name = "Grid API (dev mode, Kestrel)";
}
