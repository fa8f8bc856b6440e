using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Grid.LoadTests.Reporting;

/// <summary>Writes a report as indented JSON to a file, and reads one back, with the report's source-generated serializer.</summary>
internal static class JsonReportFile
{
    public static async Task WriteAsync<T>(string path, T report, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var stream = File.Create(path);
        await using (stream)
        {
            await JsonSerializer.SerializeAsync(stream, report, typeInfo, cancellationToken);
        }
    }

    /// <summary>Reads a report written by <see cref="WriteAsync"/>; null when the file holds JSON <c>null</c>.</summary>
    public static async Task<T?> ReadAsync<T>(string path, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(path);
        await using (stream)
        {
            return await JsonSerializer.DeserializeAsync(stream, typeInfo, cancellationToken);
        }
    }
}
