using System.Net;
using System.Net.Http.Headers;
using Grid.LoadTests.Cli;

namespace Grid.LoadTests.Http;

/// <summary>The single HTTP client a run uses, and the reachability check made before anything else.</summary>
internal static class GridHttp
{
    public static readonly MediaTypeHeaderValue JsonMediaType = new("application/json");

    /// <summary>One pooled client: as many connections as clients, long-lived, no redirects, no proxy, no cookies.</summary>
    public static HttpClient CreateClient(Uri target, int connections, TimeSpan requestTimeout, string? apiKey)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = TimeSpan.FromHours(1),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        };

        var client = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = target,
            Timeout = requestTimeout,
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (!string.IsNullOrEmpty(apiKey))
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return client;
    }

    /// <summary>Any HTTP answer means the target is up; a refused or timed-out connection is reported clearly.</summary>
    public static async Task ProbeAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            using var response = await client.GetAsync(new Uri("health/live", UriKind.Relative), timeout.Token);
        }
        catch (HttpRequestException ex)
        {
            throw new RunFailedException(
                $"target {client.BaseAddress} is unreachable ({ex.HttpRequestError}: {ex.Message}). Is the silo running with --urls {client.BaseAddress}?", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RunFailedException($"target {client.BaseAddress} did not answer within 10 s.", ex);
        }
    }

    /// <summary>
    /// Sends a request built by <paramref name="request"/> and, while Grid answers 429 (behind applying events, or a rate
    /// limit), waits its <c>Retry-After</c> and sends a new one, as a well-behaved client does: for seeding, which is
    /// not measured and must get through. Gives up after <paramref name="maxWait"/> of waiting and returns the 429.
    /// </summary>
    public static async Task<HttpResponseMessage> SendHonouringRetryAfterAsync(
        HttpClient client, Func<HttpRequestMessage> request, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var waited = TimeSpan.Zero;
        while (true)
        {
            using var message = request();
            var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || waited >= maxWait)
            {
                return response;
            }

            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait, cancellationToken);
            waited += wait;
        }
    }

    public static ByteArrayContent JsonContent(byte[] utf8Json)
    {
        var content = new ByteArrayContent(utf8Json);
        content.Headers.ContentType = JsonMediaType;
        return content;
    }
}
