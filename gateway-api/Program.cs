namespace Grid.Gateway;

/// <summary>
/// The gateway as its own process: an Orleans client in front of a running cluster. In dev mode it finds a silo on
/// this machine (<c>dotnet run --project silo</c>).
/// </summary>
public static class GatewayProgram
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.UseOrleansClient(client => client.UseLocalhostClustering());
        builder.Services.AddGridGateway();

        var app = builder.Build();
        app.MapGridApi();
        app.Run();
    }
}
