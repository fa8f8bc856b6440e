using System.Security.Claims;
using Grid.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Grid.Gateway.Security;

/// <summary>
/// API security: API keys (hashed, from configuration) and bearer tokens with scope claims, a role per endpoint,
/// per-client rate limits and request size limits, with 401, 403, 413 and 429 as Problem Details.
/// </summary>
public static partial class GridAuthentication
{
    /// <summary>The default scheme when bearer tokens are on: a bearer token goes to <see cref="JwtBearerDefaults.AuthenticationScheme"/>, anything else to <see cref="ApiKeyScheme"/>.</summary>
    public const string Scheme = "Grid";

    public const string ApiKeyScheme = "ApiKey";

    /// <summary>The <see cref="HttpContext.Items"/> entry where a scheme leaves why it refused the credentials, for the 401's detail.</summary>
    internal const string FailureItem = "grid.auth.failure";

    /// <summary>Authentication, authorization (policies by role), rate limits and size limits; options validated at start-up.</summary>
    public static WebApplicationBuilder AddGridSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var section = builder.Configuration.GetSection(GridAuthOptions.SectionName);
        var jwt = section.GetSection("Jwt").Get<GridJwtOptions>() ?? new GridJwtOptions();

        services.AddOptions<GridAuthOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GridAuthOptions>, GridAuthOptionsValidator>();
        services.AddSingleton<ApiKeyStore>();
        services.AddProblemDetails();

        // Without bearer tokens every credential is an API key: the default scheme is the key handler itself, which
        // saves each request the policy scheme's forwarding.
        var authentication = services.AddAuthentication(jwt.Enabled ? Scheme : ApiKeyScheme)
            .AddPolicyScheme(Scheme, "API key or bearer token", o => o.ForwardDefaultSelector = context =>
                jwt.Enabled && context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? JwtBearerDefaults.AuthenticationScheme
                    : ApiKeyScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyScheme, "API key", null);
        if (jwt.Enabled)
        {
            authentication.AddJwtBearer(o => ConfigureJwt(o, jwt));
        }

        services.AddAuthorization();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, GridAuthorizationResultHandler>();
        services.AddGridRateLimits(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// The security middleware, in order: authentication, the per-client rate limiter, authorization, and the body size
    /// limit on <c>/api</c>. Call before mapping endpoints.
    /// </summary>
    public static WebApplication UseGridSecurity(this WebApplication app)
    {
        var grid = app.Services.GetRequiredService<IOptions<GridOptions>>().Value;
        var auth = app.Services.GetRequiredService<IOptions<GridAuthOptions>>();
        var store = app.Services.GetRequiredService<ApiKeyStore>();
        if (store.Count == 0 && !auth.Value.Jwt.Enabled)
        {
            LogNoClients(app.Logger, grid.Mode.ToString());
        }

        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.Use(LimitBodySize);
        return app;
    }

    /// <summary>Bodies over <c>Grid:Limits:MaxRequestBodyBytes</c> on <c>/api</c>: 413 at once when announced, else when read.</summary>
    private static Task LimitBodySize(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            return next(context);
        }

        var limit = IsImport(context.Request)
            ? context.RequestServices.GetRequiredService<IOptions<Imports.GridImportOptions>>().Value.MaxBodyBytes
            : context.RequestServices.GetRequiredService<IOptions<GridRequestLimitOptions>>().Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            return TooLargeAsync(context, limit);
        }

        // Kestrel enforces the limit while the body is read (BadHttpRequestException 413, answered by GridExceptionHandler);
        // a server that does not gets the body wrapped.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }
        else if (context.Request.ContentLength is null)
        {
            context.Request.Body = new BodySizeLimitStream(context.Request.Body, limit, LimitSetting(context.Request));
        }

        return next(context);
    }

    /// <summary>An import body has a limit of its own (<c>Grid:Imports:MaxBodyBytes</c>).</summary>
    private static bool IsImport(HttpRequest request)
        => HttpMethods.IsPost(request.Method) && request.Path.StartsWithSegments("/api/v1/imports", StringComparison.OrdinalIgnoreCase);

    private static string LimitSetting(HttpRequest request) => IsImport(request) ? "Grid:Imports:MaxBodyBytes" : "Grid:Limits:MaxRequestBodyBytes";

    private static async Task TooLargeAsync(HttpContext context, long limit)
    {
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "The request body is too large.",
                Detail = $"The request body ({context.Request.ContentLength} bytes) is larger than the {limit} bytes accepted ({LimitSetting(context.Request)}).",
            },
        });
    }

    private static void ConfigureJwt(JwtBearerOptions o, GridJwtOptions jwt)
    {
        o.MapInboundClaims = false;
        o.Authority = jwt.Authority;
        o.Audience = jwt.Audience;
        o.RequireHttpsMetadata = jwt.RequireHttpsMetadata;
        o.TokenValidationParameters.NameClaimType = "sub";
        o.TokenValidationParameters.RoleClaimType = GridClaims.Role;
        if (jwt.Issuer is not null)
        {
            o.TokenValidationParameters.ValidIssuer = jwt.Issuer;
        }

        if (jwt.SigningKey is not null && GridAuthOptionsValidator.TryBase64(jwt.SigningKey, out var key))
        {
            o.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(key);
        }

        o.Events = new JwtBearerEvents
        {
            OnAuthenticationFailed = context =>
            {
                context.HttpContext.Items[FailureItem] = "The bearer token is not valid (expired, or for another audience or issuer, or badly signed).";
                return Task.CompletedTask;
            },
            OnTokenValidated = context =>
            {
                if (context.Principal?.Identity is ClaimsIdentity identity)
                {
                    AddRolesFromScopes(identity, jwt.ScopePrefix);
                }

                return Task.CompletedTask;
            },
        };
    }

    /// <summary>
    /// A token's scopes (<c>scope</c>, space-separated, or <c>scp</c>) named <c>{prefix}{role}</c> become role claims; its
    /// client id (<c>client_id</c>, <c>azp</c>, else <c>sub</c>) becomes the client's identity.
    /// </summary>
    internal static void AddRolesFromScopes(ClaimsIdentity identity, string prefix)
    {
        var scopes = identity.FindAll("scope").Concat(identity.FindAll("scp"))
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        foreach (var scope in scopes)
        {
            if (scope.StartsWith(prefix, StringComparison.Ordinal) && GridRoles.IsKnown(scope[prefix.Length..]))
            {
                identity.AddClaim(new Claim(GridClaims.Role, scope[prefix.Length..]));
            }
        }

        var client = identity.FindFirst("client_id") ?? identity.FindFirst("azp") ?? identity.FindFirst("sub");
        if (client is not null)
        {
            identity.AddClaim(new Claim(GridClaims.Client, client.Value));
        }
    }

    [LoggerMessage(EventId = 2100, EventName = "NoApiClients", Level = LogLevel.Warning,
        Message = "No API client is configured ({Mode} mode): every API call will be refused with 401. Configure Grid:Auth:Keys:<name>:Role and :Hash, or Grid:Auth:Jwt.")]
    private static partial void LogNoClients(ILogger logger, string mode);
}
