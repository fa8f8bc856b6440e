using System.Net;

namespace Grid.LoadTests.Http;

/// <summary>
/// Load goes only to this machine: the target must be an http(s) URL whose host is loopback
/// (<c>localhost</c>, <c>127.0.0.0/8</c>, <c>::1</c>). Redirects and proxies are switched off in the client as well.
/// </summary>
internal static class TargetGuard
{
    public static Uri? Validate(string text, out string? problem)
    {
        problem = null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            problem = $"'{text}' is not an absolute http:// or https:// URL.";
            return null;
        }

        if (!IsLoopback(uri))
        {
            problem = $"'{uri.Host}' is not a loopback host; this load generator only sends traffic to this machine (localhost, 127.0.0.1, ::1).";
            return null;
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            problem = $"'{text}' must be a base URL without query, fragment or credentials.";
            return null;
        }

        // A base path is kept (a gateway behind a prefix); it must end with '/' so relative paths append to it.
        var builder = new UriBuilder(uri);
        if (!builder.Path.EndsWith('/'))
        {
            builder.Path += "/";
        }

        return builder.Uri;
    }

    private static bool IsLoopback(Uri uri)
    {
        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
        {
            return IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address);
        }

        return string.Equals(uri.IdnHost, "localhost", StringComparison.OrdinalIgnoreCase);
    }
}
