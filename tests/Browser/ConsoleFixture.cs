using Grid.Gateway.Security;
using Grid.Tests.Gateway;
using Grid.Tests.Kpis;
using Grid.Tests.Outbound;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Microsoft.Playwright;

namespace Grid.Tests.Browser;

/// <summary>
/// The dev-mode process on a real Kestrel port (a browser cannot reach the in-memory test server), with the outbound
/// target <c>erp</c> at a local receiver so that the console has a target to pause, on a clock a test may move on
/// (<see cref="ShiftedClock"/>) to give an exception a resolution time of minutes.
/// </summary>
public sealed class ConsoleApiFactory : GridApiFactory
{
    public ConsoleApiFactory(WebhookReceiver receiver)
    {
        Receiver = receiver;
        Port = FreePorts.Next();
        UseKestrel(Port);
    }

    public WebhookReceiver Receiver { get; }

    public ShiftedClock Clock { get; } = new();

    public int Port { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Grid:Outbound:Targets:erp:Url", Receiver.Url("erp"));
        builder.UseSetting("Grid:Outbound:Targets:erp:Secret", WebhookReceiver.Secret);
        builder.UseSetting("Grid:Outbound:Targets:erp:EventTypes:0", "*");
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
        });
    }
}

/// <summary>
/// One grid and one headless Chromium for every browser test: Debian's <c>chromium</c> (Playwright's own browser
/// download is not used), found at <c>GRID_TEST_CHROMIUM</c> or <c>/usr/bin/chromium</c>.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string ChromiumVariable = "GRID_TEST_CHROMIUM";

    private WebhookReceiver _receiver = null!;
    private ConsoleApiFactory _factory = null!;
    private IPlaywright _playwright = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where the console is: <c>http://localhost:{port}/ops/</c>.</summary>
    public string ConsoleUrl => $"http://localhost:{_factory.Port}/ops/";

    /// <summary>A client of the same process over HTTP with the dev key holding every role, to set the scene.</summary>
    public HttpClient Api { get; private set; } = null!;

    /// <summary>The grid's clock: real time, moved on by <see cref="ShiftedClock.Advance"/>.</summary>
    public ShiftedClock Clock => _factory.Clock;

    public static string ChromiumPath => Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"The browser tests drive Debian's Chromium, and there is none at {ChromiumPath}. Install it with `apt-get install -y chromium` "
                + $"(./test.sh does this when it is missing), or point {ChromiumVariable} at a Chromium executable.");
        }

        _receiver = await WebhookReceiver.StartAsync();
        _factory = new ConsoleApiFactory(_receiver);
        _factory.StartServer();
        Api = _factory.CreateClient();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Args = ["--no-sandbox"],
            Headless = true,
        });
    }

    /// <summary>A fresh browser context (no cached credentials) that answers the Basic challenge with <paramref name="key"/>, if any.</summary>
    public async Task<IPage> OpenPageAsync(string? key)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            HttpCredentials = key is null ? null : new HttpCredentials { Username = "ops", Password = key },
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>The console open with the dev ops key.</summary>
    public async Task<IPage> OpenConsoleAsync()
    {
        var page = await OpenPageAsync(DevKeys.For(GridRoles.Ops));
        await page.GotoAsync(ConsoleUrl);
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        Api?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "Ops console in a browser";
}
