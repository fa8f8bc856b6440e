using Grid.Hosting;
using Grid.LoadTests.Compare;
using Grid.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Grid.LoadTests.InProcess;

/// <summary>
/// One Grid silo hosted in this process in dev mode: localhost clustering on free loopback ports, Grid's grains and
/// options (<see cref="GridGrainsExtensions.AddGridGrains"/>) and its in-memory providers
/// (<see cref="SiloHostingExtensions.UseGridInMemoryProviders"/>), as <c>dotnet run --project silo</c> has them, without
/// the HTTP gateway. Calls go through the silo's own <see cref="IGrainFactory"/>: Orleans messaging and scheduling,
/// arguments passed by reference where the contract type is immutable, no network and no HTTP.
/// </summary>
internal sealed class InProcessSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private InProcessSilo(IHost host)
    {
        _host = host;
    }

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public static async Task<InProcessSilo> StartAsync(CancellationToken cancellationToken)
    {
        // Empty builder: no appsettings.json or environment from the working directory; Grid's options keep their defaults.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddGridGrains(new ConfigurationBuilder().Build());
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(LoopbackPorts.Free(), LoopbackPorts.Free(), serviceId: "grid-grain-calls", clusterId: "grid-grain-calls");
            silo.UseGridInMemoryProviders();
        });

        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new InProcessSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _host.StopAsync(stopping.Token);
        }
        finally
        {
            _host.Dispose();
        }
    }
}
