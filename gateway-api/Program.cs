using Grid.Gateway.Hosting;

namespace Grid.Gateway;

/// <summary>
/// The gateway as its own process: an Orleans client in front of a running cluster (see <see cref="GatewayHostingExtensions.AddGridClient"/>).
/// </summary>
public static class GatewayProgram
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddGridClient();
        builder.Services.AddGridGateway();
        builder.Services.AddGridHealth();

        var app = builder.Build();
        app.MapGridHealth();
        app.MapGridApi();
        app.Run();
    }
}
