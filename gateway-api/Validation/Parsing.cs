using System.Globalization;

namespace Grid.Gateway.Validation;

internal static class Parsing
{
    /// <summary>
    /// Reads <c>?date=</c>: a calendar day (supply due by the end of that day, UTC) or a full ISO-8601 timestamp.
    /// </summary>
    public static bool TryParseSupplyDate(string? value, out DateTimeOffset? dueBy)
    {
        dueBy = null;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            dueBy = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddTicks(-1);
            return true;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            dueBy = at.ToUniversalTime();
            return true;
        }

        return false;
    }
}
