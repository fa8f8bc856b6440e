using Grid.Hosting;
using Grid.Infrastructure;

namespace Grid.Silo.Hosting;

public static class SiloHostingExtensions
{
    /// <summary>
    /// The silo for the configured <c>Grid:Mode</c>. Dev: localhost clustering, in-memory grain state and reminders.
    /// Grain state is stored as System.Text.Json (no CLR type names), so renaming a class never breaks stored state.
    /// </summary>
    public static WebApplicationBuilder AddGridSilo(this WebApplicationBuilder builder)
    {
        var grid = builder.Configuration.GetSection(GridOptions.SectionName).Get<GridOptions>() ?? new GridOptions();
        builder.Services.AddOptions<GridOptions>()
            .Bind(builder.Configuration.GetSection(GridOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddGridGrains(builder.Configuration);

        if (grid.Mode != GridMode.Dev)
        {
            throw new InvalidOperationException(
                $"Grid:Mode={grid.Mode} is not available in this build; run with Grid:Mode=Dev (the default).");
        }

        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(grid.SiloPort, grid.GatewayPort);
            silo.AddMemoryGrainStorage(StorageNames.Grid);
            silo.UseInMemoryReminderService();
            silo.UseSystemTextJsonGrainStorageSerializer();
        });

        return builder;
    }
}
