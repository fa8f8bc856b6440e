using System.Diagnostics;
using System.Net;
using Grid.Gateway.Security;

namespace Grid.Tests.Gateway.Security;

/// <summary>Each client has its own token bucket: over it, 429 with Retry-After; a moment later, served again.</summary>
[Trait("Category", "Gateway")]
[Collection(SecuredApiCollection.Name)]
public sealed class RateLimitTests(SecuredApiFactory factory)
{
    private readonly HttpClient _limited = Client(factory, SecuredApiFactory.LimitedKey);
    private readonly HttpClient _other = Client(factory, DevKeys.For(GridRoles.Sales));

    [Fact]
    public async Task A_client_over_its_limit_gets_429_with_Retry_After_while_others_are_served_and_is_served_again_later()
    {
        var path = new Uri($"/api/v1/atp/{Fresh.Sku()}", UriKind.Relative);

        // A bucket of 2 x 2 = 4 refills 2 a second: 12 requests in a row cannot all pass.
        HttpResponseMessage? refused = null;
        var served = 0;
        for (var i = 0; i < 12 && refused is null; i++)
        {
            var response = await _limited.GetAsync(path);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                served++;
                response.Dispose();
            }
        }

        Assert.NotNull(refused);
        using (refused)
        {
            Assert.InRange(served, SecuredApiFactory.LimitedPermitsPerWindow * 2, 11);
            var problem = await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
            Assert.Contains("limited-shop", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            var retryAfter = refused.Headers.RetryAfter?.Delta;
            Assert.NotNull(retryAfter);
            Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        }

        // Another client's bucket is its own.
        using (var other = await _other.GetAsync(path))
        {
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }

        // Recovery: the bucket refills within its window.
        var waited = Stopwatch.StartNew();
        await Eventually.ThatAsync(async () =>
        {
            using var again = await _limited.GetAsync(path);
            return again.StatusCode == HttpStatusCode.OK;
        }, "the limited client to be served again", TimeSpan.FromSeconds(10));
        Assert.True(waited.Elapsed < TimeSpan.FromSeconds(5), $"Served again only after {waited.Elapsed}.");
    }

    private static HttpClient Client(SecuredApiFactory factory, string key)
    {
        var client = factory.CreateAnonymousClient();
        client.DefaultRequestHeaders.Add(GridAuthOptions.HeaderName, key);
        return client;
    }
}
