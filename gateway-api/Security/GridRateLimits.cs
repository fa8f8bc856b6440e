using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Grid.Gateway.Security;

/// <summary>Per-client request rate limits on <c>/api</c> (<c>Grid:RateLimits</c>): a token bucket per client.</summary>
public sealed class GridRateLimitOptions
{
    public const string SectionName = "Grid:RateLimits";

    /// <summary>Requests a client may make per <see cref="Window"/> on average; 0 switches the limit off. A key's own <c>PermitsPerWindow</c> overrides it. Default: 200.</summary>
    public int PermitsPerWindow { get; set; } = 200;

    /// <summary>The replenishment period of each client's bucket. Default: 00:00:01.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Requests a client may make at once after being idle (the bucket's size), at least PermitsPerWindow; a key with a limit of its own gets twice its limit. Default: twice PermitsPerWindow.</summary>
    public int? Burst { get; set; }
}

/// <summary>Limits on a request's size (<c>Grid:Limits</c>); batch sizes are part of the contract (1,000 events or items).</summary>
public sealed class GridRequestLimitOptions
{
    public const string SectionName = "Grid:Limits";

    /// <summary>Largest request body accepted on <c>/api</c>, in bytes; larger bodies are answered 413. Default: 4194304 (4 MiB).</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;
}

internal sealed class GridLimitOptionsValidator : IValidateOptions<GridRateLimitOptions>, IValidateOptions<GridRequestLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, GridRateLimitOptions options)
    {
        var problems = new List<string>();
        if (options.PermitsPerWindow < 0)
        {
            problems.Add($"{GridRateLimitOptions.SectionName}:PermitsPerWindow must be 0 (no limit) or more.");
        }

        if (options.Window <= TimeSpan.Zero || options.Window > TimeSpan.FromHours(1))
        {
            problems.Add($"{GridRateLimitOptions.SectionName}:Window must be more than 0 and at most 01:00:00.");
        }

        if (options.Burst is { } burst && burst < options.PermitsPerWindow)
        {
            problems.Add($"{GridRateLimitOptions.SectionName}:Burst must be at least PermitsPerWindow ({options.PermitsPerWindow}).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    public ValidateOptionsResult Validate(string? name, GridRequestLimitOptions options)
        => options.MaxRequestBodyBytes < 1024
            ? ValidateOptionsResult.Fail($"{GridRequestLimitOptions.SectionName}:MaxRequestBodyBytes must be at least 1024.")
            : ValidateOptionsResult.Success;
}

/// <summary>
/// ASP.NET Core's rate limiter, partitioned by client: its API key's name or its token's client id, else its address.
/// The buckets read the time from the DI <see cref="TimeProvider"/>, so that tests can move it on.
/// </summary>
public static class GridRateLimits
{
    /// <summary>The policy every <c>/api</c> endpoint carries.</summary>
    public const string PolicyName = "grid-clients";

    internal static IServiceCollection AddGridRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GridRateLimitOptions>().Bind(configuration.GetSection(GridRateLimitOptions.SectionName)).ValidateOnStart();
        services.AddOptions<GridRequestLimitOptions>().Bind(configuration.GetSection(GridRequestLimitOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<GridLimitOptionsValidator>();
        services.AddSingleton<IValidateOptions<GridRateLimitOptions>>(s => s.GetRequiredService<GridLimitOptionsValidator>());
        services.AddSingleton<IValidateOptions<GridRequestLimitOptions>>(s => s.GetRequiredService<GridLimitOptionsValidator>());

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(PolicyName, Partition);
            limiter.OnRejected = OnRejectedAsync;
        });
        return services;
    }

    private static RateLimitPartition<string> Partition(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<GridRateLimitOptions>>().Value;
        var client = context.User.FindFirst(GridClaims.Client)?.Value;
        var own = client is not null && context.User.Identity?.AuthenticationType == GridAuthentication.ApiKeyScheme
            ? context.RequestServices.GetRequiredService<ApiKeyStore>().FindByName(client)?.PermitsPerWindow
            : null;
        var permits = own ?? options.PermitsPerWindow;
        var key = client is null ? $"address:{context.Connection.RemoteIpAddress}" : $"client:{client}";
        if (permits == 0)
        {
            return RateLimitPartition.GetNoLimiter(key);
        }

        // A client with a limit of its own gets a bucket of twice its limit; the others share the configured burst.
        var burst = own is null ? Math.Max(options.Burst ?? permits * 2, permits) : permits * 2;
        var clock = context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
        return RateLimitPartition.Get(key, _ => new ClockedTokenBucket(clock, burst, permits, options.Window));
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var window = context.RequestServices.GetRequiredService<IOptions<GridRateLimitOptions>>().Value.Window;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : window;
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        GatewayInstruments.Refused(context, "rate_limited");

        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests.",
                Detail = $"Client '{context.User.Identity?.Name ?? "anonymous"}' is over its rate limit; retry in {seconds} s.",
            },
        });
    }
}
