using System.Text.Json;

namespace Grid.Gateway.Events;

/// <summary>Reads the items of an event batch one by one, so that one malformed item rejects only itself.</summary>
internal static class EventItems
{
    public static (T? Item, string? Error) Read<T>(JsonElement element, JsonSerializerOptions options)
        where T : class
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return (null, "Each event must be a JSON object.");
        }

        try
        {
            return (element.Deserialize<T>(options), null);
        }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 2 } path ? path[2..] : "event";
            return (null, $"'{field}' has a value of the wrong type.");
        }
    }

    public static string? EventIdOf(JsonElement element)
        => element.ValueKind == JsonValueKind.Object
            && element.TryGetProperty("eventId", out var id)
            && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
}
