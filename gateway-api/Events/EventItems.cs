using System.Text.Json;
using Grid.Gateway.Problems;
using Grid.Gateway.Requests;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grid.Gateway.Events;

/// <summary>Reads the items of an event batch one by one, so that one malformed item rejects only itself.</summary>
internal static class EventItems
{
    /// <summary>The most events one request may carry.</summary>
    public const int MaxPerRequest = 1000;

    /// <summary>
    /// The problem of the batch as a whole, before any item is looked at: no <c>events</c> array, or more than
    /// <see cref="MaxPerRequest"/> items. Null, with the items in <paramref name="events"/>, when there is none.
    /// </summary>
    public static ValidationProblem? CheckBatch(EventBatchRequest? request, string kind, out List<JsonElement> events)
    {
        events = request?.Events ?? [];
        if (request?.Events is null)
        {
            return GridProblems.Invalid("events", $"'events' is required: an array of {kind} events.");
        }

        return events.Count > MaxPerRequest
            ? GridProblems.Invalid("events", $"At most {MaxPerRequest} events per request; {events.Count} were sent.")
            : null;
    }

    /// <summary>
    /// Reads every item of a batch as <typeparamref name="T"/> and hands it to <paramref name="accept"/>, which takes it
    /// and answers null, or answers why it refuses it. Items that are not a <typeparamref name="T"/> and items refused
    /// are returned, by index and event id, for the 202's per-item results; the rest were taken.
    /// </summary>
    public static async Task<List<RejectedEvent>> ForEachAsync<T>(List<JsonElement> events, JsonSerializerOptions options, Func<T, ValueTask<string?>> accept)
        where T : class
    {
        var rejected = new List<RejectedEvent>();
        for (var index = 0; index < events.Count; index++)
        {
            var (item, error) = Read<T>(events[index], options);
            if ((item is null ? error : await accept(item)) is { } problem)
            {
                rejected.Add(new RejectedEvent(index, EventIdOf(events[index]), problem));
            }
        }

        return rejected;
    }

    /// <summary>Adds <paramref name="item"/> to the group of <paramref name="key"/>, starting the group if need be.</summary>
    public static void AddTo<T>(this Dictionary<string, List<T>> groups, string key, T item)
    {
        if (!groups.TryGetValue(key, out var list))
        {
            groups[key] = list = [];
        }

        list.Add(item);
    }

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
