using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Grid.Gateway.Security;

/// <summary>
/// Authenticates a client by its API key: the <c>X-Api-Key</c> header, or the password of Basic authentication (so
/// that a browser can open the dashboard). The key is hashed and looked up; the key itself is never stored or logged.
/// </summary>
internal sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggerFactory, UrlEncoder encoder, ApiKeyStore keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = ReadKey(Request);
        if (key is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (keys.Find(key) is not { } client)
        {
            LogUnknownKey(Logger, Context.Connection.RemoteIpAddress, Request.Path);
            const string Failure = $"The API key in {GridAuthOptions.HeaderName} (or the Basic password) is not known.";
            Context.Items[GridAuthentication.FailureItem] = Failure;
            return Task.FromResult(AuthenticateResult.Fail(Failure));
        }

        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(client.Principal, Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append("WWW-Authenticate", $"ApiKey header=\"{GridAuthOptions.HeaderName}\"");
        Response.Headers.Append("WWW-Authenticate", "Basic realm=\"Grid\", charset=\"UTF-8\"");
        return Task.CompletedTask;
    }

    private static string? ReadKey(HttpRequest request)
    {
        var header = request.Headers[GridAuthOptions.HeaderName];
        if (header.Count > 0)
        {
            return header.ToString();
        }

        if (AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var authorization)
            && string.Equals(authorization.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            && authorization.Parameter is { } parameter)
        {
            try
            {
                var credentials = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
                var colon = credentials.IndexOf(':', StringComparison.Ordinal);
                return colon >= 0 ? credentials[(colon + 1)..] : credentials;
            }
            catch (FormatException)
            {
                return "";
            }
        }

        return null;
    }

    [LoggerMessage(EventId = 2101, EventName = "UnknownApiKey", Level = LogLevel.Information, Message = "An unknown API key was sent from {RemoteAddress} to {Path}")]
    private static partial void LogUnknownKey(ILogger logger, System.Net.IPAddress? remoteAddress, PathString path);
}
