using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Grid.Imports;

namespace Grid.Gateway.Imports;

/// <summary>
/// CSV import bodies: a header row names the fields (the NDJSON field names), one record per line, comma-separated,
/// fields with commas or quotes in double quotes (a quote in a quoted field doubled). An empty cell is an absent field.
/// Lists (<c>regions</c>) separate their items with <c>|</c>; ring-fences are columns <c>ringFences.CHANNEL</c>.
/// </summary>
internal sealed class ImportCsv
{
    private enum Cell
    {
        Text,
        Number,
        List,
    }

    private const string RingFencePrefix = "ringFences.";

    private static readonly Dictionary<ImportKind, (Dictionary<string, Cell> Columns, string[] Required)> Kinds = new()
    {
        [ImportKind.Stock] = (new() { ["sku"] = Cell.Text, ["location"] = Cell.Text, ["countedQuantity"] = Cell.Number, ["countedAt"] = Cell.Text, ["reason"] = Cell.Text },
            ["sku", "location", "countedQuantity"]),
        [ImportKind.Policies] = (new() { ["sku"] = Cell.Text, ["location"] = Cell.Text, ["safetyStock"] = Cell.Number },
            ["sku", "location", "safetyStock"]),
        [ImportKind.Locations] = (new() { ["location"] = Cell.Text, ["name"] = Cell.Text, ["type"] = Cell.Text, ["regions"] = Cell.List, ["priority"] = Cell.Number },
            ["location", "name", "type", "regions", "priority"]),
        [ImportKind.Credit] = (new() { ["customerId"] = Cell.Text, ["status"] = Cell.Text, ["reason"] = Cell.Text, ["updatedAt"] = Cell.Text },
            ["customerId", "status", "updatedAt"]),
    };

    private readonly ImportKind _kind;
    private readonly string[] _header;

    private ImportCsv(ImportKind kind, string[] header)
    {
        _kind = kind;
        _header = header;
    }

    /// <summary>Reads the header row: the reader, or why the header will not do (a column unknown to the kind, a required one missing).</summary>
    public static (ImportCsv? Csv, string? Problem) FromHeader(ImportKind kind, string line)
    {
        if (Split(line) is not { } header)
        {
            return (null, "The CSV header row has an unterminated quoted field.");
        }

        var (columns, required) = Kinds[kind];
        var kindName = kind.ToString().ToLowerInvariant();
        foreach (var name in header)
        {
            if (!columns.ContainsKey(name) && !(kind == ImportKind.Policies && name.StartsWith(RingFencePrefix, StringComparison.Ordinal) && name.Length > RingFencePrefix.Length))
            {
                return (null, $"The CSV header names '{name}', which is not a field of a {kindName} import ({string.Join(", ", columns.Keys)}{(kind == ImportKind.Policies ? ", ringFences.CHANNEL" : "")}).");
            }
        }

        if (header.Distinct(StringComparer.Ordinal).Count() != header.Length)
        {
            return (null, "The CSV header names a column twice.");
        }

        var missing = required.Where(r => !header.Contains(r, StringComparer.Ordinal)).ToArray();
        return missing.Length > 0
            ? (null, $"The CSV header lacks {string.Join(", ", missing)}: a {kindName} import needs {string.Join(", ", required)}.")
            : (new ImportCsv(kind, header), null);
    }

    /// <summary>A record as the JSON object its NDJSON line would be; null when its quotes are unbalanced or its cells are too many.</summary>
    public JsonObject? Row(string line)
    {
        if (Split(line) is not { } cells || cells.Length > _header.Length)
        {
            return null;
        }

        var row = new JsonObject();
        var columns = Kinds[_kind].Columns;
        for (var i = 0; i < cells.Length; i++)
        {
            var (name, value) = (_header[i], cells[i]);
            if (value.Length == 0)
            {
                continue;
            }

            if (name.StartsWith(RingFencePrefix, StringComparison.Ordinal))
            {
                var fences = row["ringFences"] as JsonObject ?? (JsonObject)(row["ringFences"] = new JsonObject());
                fences[name[RingFencePrefix.Length..]] = Number(value);
                continue;
            }

            row[name] = columns[name] switch
            {
                Cell.Number => Number(value),
                Cell.List => new JsonArray([.. value.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(v => (JsonNode?)JsonValue.Create(v))]),
                _ => JsonValue.Create(value),
            };
        }

        return row;
    }

    /// <summary>A whole number as a JSON number; anything else stays text, which the field then refuses by name.</summary>
    private static JsonValue Number(string value)
        => long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? JsonValue.Create(n) : JsonValue.Create(value);

    /// <summary>The cells of one record, or null when a quoted cell is not closed.</summary>
    internal static string[]? Split(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c != '"')
                {
                    cell.Append(c);
                }
                else if (i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"' && cell.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(cell.ToString().Trim());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        if (quoted)
        {
            return null;
        }

        cells.Add(cell.ToString().Trim());
        return [.. cells];
    }
}
