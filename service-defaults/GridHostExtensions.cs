using Microsoft.Extensions.Options;

namespace Grid.Hosting;

/// <summary>
/// What every Grid process sets up the same way, silo or gateway: the <c>Grid</c> settings, OpenTelemetry and the
/// health endpoints. Settings are checked one way everywhere: an <see cref="IValidateOptions{TOptions}"/> per options
/// class whose failures name the configuration key, run at start-up (<c>ValidateOnStart</c>); the few settings a host
/// needs while it is being built are checked by the same validator at once.
/// </summary>
public static class GridHostExtensions
{
    /// <summary>The <c>Grid</c> settings, telemetry under <paramref name="serviceName"/>, and the health checks.</summary>
    public static GridOptions AddGridServiceDefaults(this WebApplicationBuilder builder, string serviceName)
    {
        var grid = builder.AddGridOptions();
        builder.AddGridTelemetry(serviceName);
        builder.Services.AddGridHealth();
        return grid;
    }

    /// <summary><c>/health/live</c>, <c>/health/ready</c> and <c>/metrics</c>.</summary>
    public static WebApplication MapGridDefaultEndpoints(this WebApplication app)
    {
        app.MapGridHealth();
        app.MapGridTelemetry();
        return app;
    }

    /// <summary>Binds <see cref="GridOptions"/>, needed while the host is built, and fails at once naming each bad key.</summary>
    public static GridOptions AddGridOptions(this WebApplicationBuilder builder)
        => builder.AddValidatedNow(GridOptions.SectionName, new GridOptionsValidator(builder.Configuration));

    /// <summary>
    /// Binds <typeparamref name="TOptions"/> from <paramref name="section"/> for a host that needs them while it is
    /// being built: checked now by <paramref name="validator"/> (a <see cref="GridStartupException"/> naming each bad
    /// key), and registered as they are for everything that reads them later.
    /// </summary>
    public static TOptions AddValidatedNow<TOptions>(this WebApplicationBuilder builder, string section, IValidateOptions<TOptions> validator)
        where TOptions : class, new()
    {
        var options = builder.Configuration.GetSection(section).Get<TOptions>() ?? new TOptions();
        if (validator.Validate(null, options) is { Failed: true } result)
        {
            throw new GridStartupException(string.Join(Environment.NewLine, result.Failures));
        }

        builder.Services.AddSingleton(Options.Create(options));
        return options;
    }

    /// <summary>
    /// Runs the start-up validation of every options class now, so that a bad setting stops the process with just its
    /// message before anything starts, and returns the Grid settings.
    /// </summary>
    public static GridOptions ValidateGridSettings(this WebApplication app)
    {
        app.Services.GetService<IStartupValidator>()?.Validate();
        return app.Services.GetRequiredService<IOptions<GridOptions>>().Value;
    }

    /// <summary>In Postgres mode, stops the start with a clear message unless the database holds the schema this build needs.</summary>
    public static async Task CheckGridStartAsync(this WebApplication app)
    {
        if (app.ValidateGridSettings().Mode == GridMode.Postgres)
        {
            await PostgresSchemaCheck.EnsureCurrentAsync(app.Configuration.GetConnectionString(GridOptions.ConnectionStringName)!, app.Lifetime.ApplicationStopping);
        }
    }
}
