using Grid.LoadTests.Cli;
using Npgsql;

namespace Grid.LoadTests.Baseline;

/// <summary>The options of the <c>baseline</c> verb: the PostgreSQL database to use and the URL to serve on.</summary>
internal sealed record BaselineOptions
{
    public const string DefaultUrls = "http://127.0.0.1:5290";

    /// <summary>Statements Npgsql keeps prepared per connection when the connection string does not say.</summary>
    public const int DefaultMaxAutoPrepare = 32;

    /// <summary>The connection string as given, with pooling and automatic preparation made explicit.</summary>
    public required string ConnectionString { get; init; }

    public string Urls { get; init; } = DefaultUrls;

    /// <summary>Where the outbox relay posts availability changes; null: no outbox is written.</summary>
    public Uri? OutboundUrl { get; init; }

    /// <summary>The Standard Webhooks secret the relay signs with (required with <see cref="OutboundUrl"/>).</summary>
    public string? OutboundSecret { get; init; }

    public static BaselineOptions Parse(IReadOnlyList<string> args)
    {
        var values = OptionReader.Parse(args, KnownOptions);
        var connection = values.Required("--connection");
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connection);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException("--connection", $"is not an Npgsql connection string: {ex.Message}");
        }

        if (string.IsNullOrEmpty(builder.Host) || string.IsNullOrEmpty(builder.Database))
        {
            throw new UsageException("--connection", "must name Host and Database.");
        }

        // A fair opponent: pooled connections, statements prepared once per connection and kept across pool returns.
        builder.Pooling = true;
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
        }

        builder.AutoPrepareMinUsages = 2;
        builder.NoResetOnClose = true;

        var urls = values.Text("--urls") ?? DefaultUrls;
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
            {
                throw new UsageException("--urls", $"'{url}' is not an http:// URL such as {DefaultUrls}.");
            }
        }

        Uri? outboundUrl = null;
        if (values.Text("--outbound-url") is { } outbound)
        {
            if (!Uri.TryCreate(outbound, UriKind.Absolute, out outboundUrl) || outboundUrl.Scheme != Uri.UriSchemeHttp)
            {
                throw new UsageException("--outbound-url", $"'{outbound}' is not an http:// URL.");
            }
        }

        var outboundSecret = values.Text("--outbound-secret");
        if ((outboundUrl is null) != (outboundSecret is null))
        {
            throw new UsageException("--outbound-secret", "--outbound-url and --outbound-secret go together.");
        }

        return new BaselineOptions
        {
            ConnectionString = builder.ConnectionString, Urls = urls, OutboundUrl = outboundUrl, OutboundSecret = outboundSecret,
        };
    }

    public static string Usage => $"""
        usage:
          dotnet run -c Release --project load-tests -- baseline --connection <npgsql connection string> [--urls <url>]

        The PostgreSQL row-lock baseline: Grid's ATP, reservation and warehouse-event endpoints done the classical way
        (one transaction per reservation locking the stock row), plus GET /ceiling/atp/<sku> answered from memory.
        It creates its tables (stock, reservation, processed_event) if they are missing.

        options:
          --connection <cs>        Npgsql connection string (Host, Database, ...); pooling and Max Auto Prepare
                                   (default {DefaultMaxAutoPrepare}) are switched on
          --urls <url>             where to listen, default {DefaultUrls}
          --outbound-url <url>     write every availability change to an outbox table in its transaction, and relay
                                   the outbox to this webhook receiver (signed CloudEvents batches); default: no outbox
          --outbound-secret <s>    the receiver's Standard Webhooks secret (with --outbound-url)
        """;

    private static readonly HashSet<string> KnownOptions = new(StringComparer.Ordinal) { "--connection", "--urls", "--outbound-url", "--outbound-secret" };
}
