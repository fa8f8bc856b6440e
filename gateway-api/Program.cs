using Grid.Gateway.Hosting;
using Grid.Hosting;

namespace Grid.Gateway;

/// <summary>
/// The gateway as its own process: an Orleans client in front of a running cluster (see <see cref="GatewayHostingExtensions.AddGridClient"/>).
/// </summary>
public static class GatewayProgram
{
    public static async Task<int> Main(string[] args)
    {
        try
        {
            var builder = WebApplication.CreateBuilder(args);
            builder.AddGridGateway();

            var app = builder.Build();
            app.MapGridGateway();
            await app.CheckGridStartAsync();
            await app.RunAsync();
            return 0;
        }
        catch (Exception ex) when (ex is GridStartupException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            await Console.Error.WriteLineAsync($"gateway: {ex.Message}");
            return 1;
        }
    }
}
