using System.Net;
using System.Text;
using System.Text.Json;

namespace Grid.Tests.Gateway;

/// <summary>The calls the import specifications share: post a body, wait for the import to finish.</summary>
internal static class ImportHttp
{
    public const string Ndjson = "application/x-ndjson";
    public const string Csv = "text/csv";

    public static async Task<HttpResponseMessage> PostImportAsync(this HttpClient client, string kind, string body, string mediaType = Ndjson, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/imports?kind={kind}")
        {
            Content = new StringContent(body, Encoding.UTF8, mediaType),
        };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return await client.SendAsync(request);
    }

    /// <summary>Posts the import, expects 202, and returns its status once it has finished.</summary>
    public static async Task<JsonElement> ImportAsync(this HttpClient client, string kind, string body, string mediaType = Ndjson, string? key = null)
    {
        using var response = await client.PostImportAsync(kind, body, mediaType, key);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return await client.FinishedAsync((await response.ReadJsonAsync()).GetProperty("importId").GetString()!);
    }

    public static async Task<JsonElement> StatusAsync(this HttpClient client, string importId, string query = "")
    {
        using var response = await client.GetAsync(new Uri($"/api/v1/imports/{importId}{query}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    public static Task<JsonElement> FinishedAsync(this HttpClient client, string importId, TimeSpan? timeout = null)
        => Eventually.ReadAsync(
            () => client.StatusAsync(importId),
            status => status.GetProperty("state").GetString() is "completed" or "failed" or "cancelled",
            $"import {importId} to finish",
            timeout);

    public static string Lines(params object[] lines) => string.Join('\n', lines.Select(l => JsonSerializer.Serialize(l)));
}
