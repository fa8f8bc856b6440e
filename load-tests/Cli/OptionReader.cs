using System.Globalization;

namespace Grid.LoadTests.Cli;

/// <summary>
/// The arguments after a verb: <c>--name value</c>, <c>--name=value</c>, or a bare <c>--flag</c> for the flags a verb
/// declares. Unknown or repeated options are usage errors naming the option; typed getters check ranges.
/// </summary>
internal sealed class OptionReader
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    private OptionReader()
    {
    }

    public static OptionReader Parse(IReadOnlyList<string> args, IReadOnlySet<string> options, IReadOnlySet<string>? flags = null)
    {
        flags ??= new HashSet<string>(StringComparer.Ordinal);
        var reader = new OptionReader();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new UsageException(arg, "unexpected argument; options are written --name value.");
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? arg[..equals] : arg;
            if (flags.Contains(name))
            {
                if (equals > 0)
                {
                    throw new UsageException(name, "is a flag and takes no value.");
                }

                if (!reader._flags.Add(name))
                {
                    throw new UsageException(name, "given more than once.");
                }

                continue;
            }

            if (!options.Contains(name))
            {
                throw new UsageException(name, "unknown option.");
            }

            string value;
            if (equals > 0)
            {
                value = arg[(equals + 1)..];
            }
            else
            {
                if (i + 1 >= args.Count)
                {
                    throw new UsageException(name, "a value is required.");
                }

                value = args[++i];
            }

            if (!reader._values.TryAdd(name, value))
            {
                throw new UsageException(name, "given more than once.");
            }
        }

        return reader;
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public bool Flag(string name) => _flags.Contains(name);

    public string? Text(string name) => _values.TryGetValue(name, out var value) ? value : null;

    public string Required(string name)
        => _values.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new UsageException(name, "is required.");

    public double Number(string name, double fallback, double min, double max)
    {
        if (!_values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw new UsageException(name, $"'{text}' is not a number.");
        }

        return value < min || value > max
            ? throw new UsageException(name, $"must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}; got {text}.")
            : value;
    }

    public int Integer(string name, int fallback, int min, int max)
    {
        if (!_values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw new UsageException(name, $"'{text}' is not a whole number.");
        }

        return value < min || value > max
            ? throw new UsageException(name, $"must be between {min} and {max}; got {text}.")
            : value;
    }

    /// <summary>An output file whose directory exists; returned as a full path.</summary>
    public string? OutFile(string name)
    {
        if (!_values.TryGetValue(name, out var path))
        {
            return null;
        }

        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full);
        return directory is not null && !Directory.Exists(directory)
            ? throw new UsageException(name, $"the directory '{directory}' does not exist.")
            : full;
    }
}
