using System.Collections.Frozen;
using Grid.Gateway.Security;
using Microsoft.Net.Http.Headers;

namespace Grid.Gateway.Ops;

/// <summary>
/// The ops console at <c>/ops/</c>: a few static files embedded in this assembly (HTML, one small script, a style
/// sheet) that read and act through the <c>/api/v1</c> ops endpoints. Served to the ops role only: a browser without a
/// key gets the Basic challenge and asks for it (the key is the password), and sends it again with each API call.
/// </summary>
public static class OpsConsole
{
    public const string Path = "/ops";

    /// <summary>The files under <c>/ops/</c>, by name, with their media types (the index is <c>/ops/</c> itself).</summary>
    private static readonly FrozenDictionary<string, string> Files = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["console.js"] = "text/javascript; charset=utf-8",
        ["console.css"] = "text/css; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static WebApplication MapGridConsole(this WebApplication app)
    {
        var console = app.MapGroup(Path).RequireGridRole(GridRoles.Ops).ExcludeFromDescription();

        // Routing matches /ops and /ops/ alike; the page's relative links need the slash.
        console.MapGet("/", (HttpRequest request) => request.Path.Value!.EndsWith('/')
            ? Serve("index.html")
            : TypedResults.Redirect($"{request.PathBase}{Path}/"));
        console.MapGet("/{file}", Serve);
        return app;
    }

    private static IResult Serve(string file)
    {
        if (!Files.TryGetValue(file, out var mediaType)
            || typeof(OpsConsole).Assembly.GetManifestResourceStream($"{typeof(OpsConsole).Namespace}.{file}") is not { } content)
        {
            return TypedResults.NotFound();
        }

        return new NoCacheStream(content, mediaType);
    }

    /// <summary>An embedded file, revalidated on every load so that a new build's console is never mixed with an old one's.</summary>
    private sealed class NoCacheStream(Stream content, string mediaType) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers[HeaderNames.CacheControl] = "no-cache";
            return TypedResults.Stream(content, mediaType).ExecuteAsync(httpContext);
        }
    }
}
