using Grid.Gateway;
using Grid.Gateway.Feed;
using Grid.Gateway.Hosting;
using Grid.Gateway.Security;
using Grid.Hosting;
using Grid.Domain;
using Grid.Infrastructure;
using Grid.Postgres;
using Grid.Inventory;
using Grid.Outbound;
using Grid.Domain.Outbound;
using Orleans.Storage;
using Grid.Silo.Database;
using Grid.Silo.Placement;
using Grid.Silo.Storage;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Runtime.Hosting;

namespace Grid.Silo.Hosting;

public static class SiloHostingExtensions
{
    private const string Npgsql = "Npgsql";

    /// <summary>Where a silo serves the Orleans dashboard.</summary>
    public const string DashboardPath = "/dashboard";

    /// <summary>
    /// The pool Orleans' ADO.NET providers (clustering, grain state, reminders) share in one silo, unless the
    /// connection string names its own: they open connections one call at a time, and 100 per silo (Npgsql's default)
    /// times a few silos would exhaust PostgreSQL's <c>max_connections</c>.
    /// </summary>
    public const int OrleansMaxConnections = 24;

    private static string ForOrleans(string connectionString)
        => GridDataSource.WithDefaults(connectionString, OrleansMaxConnections, "grid-silo");

    /// <summary>
    /// The silo for the configured <c>Grid:Mode</c>. Dev: localhost clustering, in-memory grain state and reminders,
    /// and the gateway endpoints in the same process. Postgres: ADO.NET clustering, grain state and reminders on
    /// <c>ConnectionStrings:Grid</c>, after checking (or, with <c>Grid:MigrateOnStart</c>, applying) the schema.
    /// Grain state is stored as System.Text.Json (no CLR type names), so renaming a class never breaks stored state.
    /// </summary>
    public static WebApplicationBuilder AddGridSilo(this WebApplicationBuilder builder)
    {
        var grid = builder.AddGridServiceDefaults("grid-silo");
        var streams = builder.AddGridStreamOptions();
        var connectionString = builder.Configuration.GetConnectionString(GridOptions.ConnectionStringName);
        builder.Services.AddGridGrains(builder.Configuration);

        builder.UseOrleans(silo =>
        {
            // Grain calls join the caller's trace, and carry it on through the stream events they queue.
            silo.AddActivityPropagation();
            silo.AddIncomingGrainCallFilter<StreamDeliveryTracing>();

            // The Orleans dashboard (silos, grains, calls) at /dashboard; every silo of the cluster must collect for it.
            if (grid.Dashboard)
            {
                // Its meter readings and its per-silo statistics (a call to the management grain) at one interval.
                silo.Services.AddGridDashboardSampling(grid.DashboardSampleInterval);
                silo.AddDashboard(o => o.CounterUpdateIntervalMs = (int)grid.DashboardSampleInterval.TotalMilliseconds);
            }

            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = grid.ClusterId;
                o.ServiceId = grid.ServiceId;
            });

            // Orleans' own tuning, for operators who need it: Grid:Reminders binds ReminderOptions; Grid:Membership and
            // Grid:Rebalancer override Grid's defaults for noticing dead silos and spreading grains.
            silo.Services.Configure<ReminderOptions>(builder.Configuration.GetSection("Grid:Reminders"));
            silo.AddGridClusterTuning(builder.Configuration);

            if (grid.Mode == GridMode.Dev)
            {
                silo.UseLocalhostClustering(grid.SiloPort, grid.GatewayPort, serviceId: grid.ServiceId, clusterId: grid.ClusterId);
                silo.UseGridInMemoryProviders(streams: streams);
                return;
            }

            silo.ConfigureEndpoints(grid.ResolveAdvertisedAddress(), grid.SiloPort, grid.GatewayPort, listenOnAnyHostAddress: true);
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = Npgsql;
                o.ConnectionString = ForOrleans(connectionString!);
            });
            silo.UseGridPostgresProviders(connectionString!, streams);
        });

        if (grid.Mode == GridMode.Dev || grid.HostGateway)
        {
            builder.Services.AddGridApi();
        }

        if (grid.Mode == GridMode.Postgres)
        {
            // The API reads it, and so do the publishers that deliver availability to outbound targets.
            builder.Services.AddGridPostgresAvailabilityFeed(connectionString!, grid.ServiceId);
        }

        builder.AddGridSecurity();
        builder.Services.AddGridSiloMembershipHealth();
        return builder;
    }

    /// <summary>Dev-mode grain state, reminders and event streams: in memory, lost when the process stops.</summary>
    public static ISiloBuilder UseGridInMemoryProviders(this ISiloBuilder silo, InMemoryInventoryStore? sharedStore = null, GridStreamOptions? streams = null)
    {
        silo.AddGridMemoryStreams(streams ?? new GridStreamOptions());
        silo.UseSystemTextJsonGrainStorageSerializer();
        silo.AddMemoryGrainStorage(StorageNames.Grid);
        silo.Services.AddSingleton(sharedStore ?? new InMemoryInventoryStore());
        silo.Services.AddGrainStorage(StorageNames.Inventory, (services, _) => new InMemoryInventoryStorage(services.GetRequiredService<InMemoryInventoryStore>()));
        silo.Services.AddSingleton(services => services.GetRequiredService<InMemoryInventoryStore>().Publishers);
        silo.Services.AddSingleton<IAvailabilityFeed>(services => services.GetRequiredService<InMemoryInventoryStore>().Feed);
        silo.Services.AddGrainStorage(StorageNames.Outbound, (services, _) => new InMemoryPublisherStorage(services.GetRequiredService<InMemoryPublisherStore>()));
        silo.AddGridExpirySweep();
        silo.AddGridAvailabilityPublishers();
        silo.AddGridPlacement();
        silo.UseInMemoryReminderService();
        return silo;
    }

    /// <summary>
    /// Grain state in Grid's own PostgreSQL tables (batched across grains), reminders through the ADO.NET provider,
    /// event streams in Grid's PostgreSQL queues (clustering is configured apart).
    /// </summary>
    public static ISiloBuilder UseGridPostgresProviders(this ISiloBuilder silo, string connectionString, GridStreamOptions? streams = null)
    {
        silo.AddGridPostgresStreams(streams ?? new GridStreamOptions(), connectionString);
        silo.UseSystemTextJsonGrainStorageSerializer();
        silo.Services.AddGrainStorage(StorageNames.Grid, (services, _) => PostgresGrainStorage.Create(services, connectionString));
        silo.Services.AddGrainStorage(StorageNames.Inventory, (services, _) => PostgresInventoryStorage.Create(services, connectionString));
        silo.Services.AddGrainStorage(StorageNames.Outbound, (services, _) => PostgresPublisherStorage.Create(services, connectionString));
        silo.AddGridExpirySweep();
        silo.AddGridAvailabilityPublishers();
        silo.AddGridPlacement();
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = Npgsql;
            o.ConnectionString = ForOrleans(connectionString);
        });
        return silo;
    }

    /// <summary>A SKU's grains go to the silo its SKU hashes to (<see cref="SkuAffinityPlacement"/>).</summary>
    private static void AddGridPlacement(this ISiloBuilder silo)
        => silo.Services.AddPlacementDirector<SkuAffinityPlacement, SkuAffinityPlacementDirector>();

    /// <summary>The expiry sweep reads the inventory storage's expiry index; every silo makes sure its reminder exists.</summary>
    private static void AddGridExpirySweep(this ISiloBuilder silo)
    {
        silo.Services.AddSingleton(services => (IExpiryIndex)services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Inventory));
        silo.AddStartupTask((services, _) => services.GetRequiredService<IGrainFactory>().GetGrain<IExpirySweeperGrain>(0).Start());
    }

    /// <summary>Each target that takes availability changes has its publisher started with the silo (it reads the feed).</summary>
    private static void AddGridAvailabilityPublishers(this ISiloBuilder silo)
        => silo.AddStartupTask(async (services, _) =>
        {
            var grains = services.GetRequiredService<IGrainFactory>();
            var router = services.GetRequiredService<OutboundRouter>();
            await Task.WhenAll(router.TargetsFor(OutboundEventTypes.AvailabilityChanged.Type).Select(t => grains.GetGrain<IAvailabilityPublisherGrain>(t).Wake()));
        });

    /// <summary>Maps the gateway endpoints when this silo serves them (always in dev mode).</summary>
    public static WebApplication MapGridSilo(this WebApplication app)
    {
        app.UseGridSecurity();
        app.MapGridDefaultEndpoints();
        var grid = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<GridOptions>>().Value;

        // It shows grain keys, calls and errors: open in dev mode, for the ops role elsewhere (a browser sends the key as the
        // Basic password when asked).
        if (grid.Dashboard)
        {
            // Not part of the API: kept out of the OpenAPI document.
            var dashboard = app.MapOrleansDashboard(DashboardPath).ExcludeFromDescription();
            if (grid.Mode == GridMode.Dev)
            {
                dashboard.AllowAnonymous();
            }
            else
            {
                dashboard.RequireGridRole(GridRoles.Ops);
            }
        }

        if (grid.Mode == GridMode.Dev || grid.HostGateway)
        {
            app.MapGridApi();
        }

        return app;
    }

    /// <summary>
    /// In Postgres mode, before the silo joins the cluster: applies the schema (<c>Grid:MigrateOnStart</c>) or stops
    /// the start with a clear message unless the database holds the schema this build needs.
    /// </summary>
    public static async Task PrepareGridStartAsync(this WebApplication app)
    {
        var grid = app.ValidateGridSettings();
        if (grid.Mode != GridMode.Postgres)
        {
            return;
        }

        var connectionString = app.Configuration.GetConnectionString(GridOptions.ConnectionStringName)!;
        if (grid.MigrateOnStart)
        {
            await new SchemaMigrator(connectionString).ApplyAsync(app.Lifetime.ApplicationStopping);
        }
        else
        {
            await PostgresSchemaCheck.EnsureCurrentAsync(connectionString, app.Lifetime.ApplicationStopping);
        }
    }
}
