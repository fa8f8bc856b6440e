using System.Globalization;
using System.Net;
using Grid.Gateway.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace Grid.Tests.Gateway.Security;

/// <summary>
/// Each client has its own token bucket of twice its limit, filled by its limit each window: over it, 429 with
/// Retry-After; a window later, served again. The buckets read the gateway's clock, which these tests move on.
/// </summary>
[Trait("Category", "Gateway")]
public sealed class RateLimitTests : IClassFixture<RateLimitTests.LimitedApiFactory>
{
    private readonly LimitedApiFactory _factory;
    private readonly HttpClient _limited;
    private readonly HttpClient _other;
    private readonly Uri _path = new($"/api/v1/atp/{TestIds.New("SKU")}", UriKind.Relative);

    public RateLimitTests(LimitedApiFactory factory)
    {
        _factory = factory;
        _limited = Client(factory, LimitedApiFactory.LimitedKey);
        _other = Client(factory, DevKeys.For(GridRoles.Sales));

        // Every test starts with full buckets, whatever the one before it took.
        factory.Clock.Advance(TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task A_client_is_served_twice_its_limit_in_a_row_then_refused_with_429_and_Retry_After()
    {
        for (var i = 0; i < LimitedApiFactory.LimitedPermitsPerWindow * 2; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(_limited));
        }

        using var refused = await _limited.GetAsync(_path);

        var problem = await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("limited-shop", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Another_clients_bucket_is_its_own()
    {
        await EmptyTheLimitedBucketAsync();

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(_other));
    }

    [Fact]
    public async Task A_refused_client_is_refused_until_time_passes_and_a_window_later_is_served_its_limit_again()
    {
        await EmptyTheLimitedBucketAsync();
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(_limited));

        _factory.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(_limited));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(_limited));
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(_limited));
    }

    private async Task EmptyTheLimitedBucketAsync()
    {
        while (await StatusAsync(_limited) == HttpStatusCode.OK)
        {
        }
    }

    private async Task<HttpStatusCode> StatusAsync(HttpClient client)
    {
        using var response = await client.GetAsync(_path);
        return response.StatusCode;
    }

    private static HttpClient Client(LimitedApiFactory factory, string key)
    {
        var client = factory.CreateAnonymousClient();
        client.DefaultRequestHeaders.Add(GridAuthOptions.HeaderName, key);
        return client;
    }

    /// <summary>
    /// Given a dev-mode grid with a sales key limited to 2 requests a second (the others get the default 200), on a fake
    /// clock; Orleans' own background work stays on real time.
    /// </summary>
    public sealed class LimitedApiFactory : GridApiFactory
    {
        public const string LimitedKey = "limited-sales-key-for-tests-01";
        public const int LimitedPermitsPerWindow = 2;

        public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Grid:RateLimits:PermitsPerWindow", "200");
            builder.UseSetting("Grid:RateLimits:Window", "00:00:01");
            builder.UseSetting("Grid:Auth:Keys:limited-shop:Role", "sales, crm");
            builder.UseSetting("Grid:Auth:Keys:limited-shop:Key", LimitedKey);
            builder.UseSetting("Grid:Auth:Keys:limited-shop:PermitsPerWindow", LimitedPermitsPerWindow.ToString(CultureInfo.InvariantCulture));
            builder.ConfigureTestServices(services =>
            {
                services.AddSingleton<TimeProvider>(Clock);
                services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            });
        }
    }
}
