using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Grid.Gateway.Validation;

/// <summary>Collects problems keyed by the JSON path of the offending field, for a validation Problem Details.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    public bool Required<T>(string field, [NotNullWhen(true)] T? value)
    {
        if (value is null || (value is string s && s.Length == 0))
        {
            Add(field, $"'{field}' is required.");
            return false;
        }

        return true;
    }

    public void Sku(string field, string? value)
    {
        if (Required(field, value) && !Identifiers.IsValidSku(value))
        {
            Add(field, $"'{field}' must be 1–{Identifiers.MaxSkuLength} characters from A–Z, a–z, 0–9, '.', '_' and '-'.");
        }
    }

    public void Location(string field, string? value)
    {
        if (Required(field, value) && !Identifiers.IsValidLocation(value))
        {
            Add(field, $"'{field}' must be 1–{Identifiers.MaxLocationLength} characters from A–Z, a–z, 0–9, '.', '_' and '-'.");
        }
    }

    public void Id(string field, string? value, bool required = true)
    {
        if (value is null && !required)
        {
            return;
        }

        if (Required(field, value) && !Identifiers.IsValidId(value))
        {
            Add(field, $"'{field}' must be 1–{Identifiers.MaxIdLength} printable characters without surrounding spaces.");
        }
    }

    /// <summary>A route's <c>SKU@LOCATION</c> key.</summary>
    public void SkuLocationKey(string field, string? value)
    {
        if (Required(field, value) && !Identifiers.TryParseSkuLocationKey(value, out _, out _))
        {
            Add(field, $"'{value}' is not SKU@LOCATION (SKU 1–{Identifiers.MaxSkuLength} and location 1–{Identifiers.MaxLocationLength} characters from A–Z, a–z, 0–9, '.', '_' and '-').");
        }
    }

    /// <summary>Free text (a name, an address line, a reason): up to <paramref name="maxLength"/> characters, no control characters.</summary>
    public void Text(string field, string? value, bool required = false, int maxLength = 256)
    {
        if (value is null && !required)
        {
            return;
        }

        if (Required(field, value) && (value.Length > maxLength || value.Any(char.IsControl)))
        {
            Add(field, $"'{field}' must be at most {maxLength} characters, with no control characters.");
        }
    }

    public void PositiveQuantity(string field, long? value)
    {
        if (Required(field, value) && value <= 0)
        {
            Add(field, $"'{field}' must be a positive whole number of units.");
        }
    }

    /// <summary>
    /// A query value naming members of <typeparamref name="T"/> by their camelCase names, several separated by commas;
    /// null when absent. A number or an unknown name is a problem listing the names allowed.
    /// </summary>
    public ImmutableArray<T> Names<T>(string field, string? value)
        where T : struct, Enum
    {
        if (value is null)
        {
            return [];
        }

        var found = ImmutableArray.CreateBuilder<T>();
        foreach (var name in value.Split(',', StringSplitOptions.TrimEntries))
        {
            if (Enum.TryParse<T>(name, ignoreCase: true, out var parsed) && !int.TryParse(name, out _) && name.Length > 0)
            {
                found.Add(parsed);
            }
            else
            {
                Add(field, $"'{field}' must be one of {string.Join(", ", Enum.GetNames<T>().Select(n => string.Concat(char.ToLowerInvariant(n[0]).ToString(), n[1..])))}.");
                return [];
            }
        }

        return found.ToImmutable();
    }

    public IDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>The first field at fault (in the order checked), or null when there is none.</summary>
    public string? FirstField => _errors.Keys.FirstOrDefault();

    /// <summary>The first problem as one line, for per-item results in a batch.</summary>
    public string Summary() => string.Join(" ", _errors.SelectMany(e => e.Value));
}
