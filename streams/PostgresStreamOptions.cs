using Microsoft.Extensions.Options;

namespace Grid.Streams;

/// <summary>Settings of one PostgreSQL-backed stream provider (the schema is Grid's migration 0007).</summary>
public sealed class PostgresStreamOptions
{
    /// <summary>An Npgsql connection string to the database that holds <c>grid_stream_message</c>.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// A message found waiting at the head of its queue by this many delivery sessions (each silo crash or queue
    /// hand-over starts a new one; a message that crashes its silo is found there again and again) is moved to the dead
    /// letters instead of being delivered again.
    /// </summary>
    public int MaxDeliveryAttempts { get; set; } = 10;

    /// <summary>
    /// The pulling agent's maximum delivery time. Orleans reports a failed delivery both when a consumer kept failing
    /// for this long and when the agent stops mid-retry (its queue moving to another silo); only the first is dead-lettered.
    /// </summary>
    public TimeSpan MaxDeliveryTime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The longest a receiver leaves its queue unread while no notification of new messages arrives (a notification
    /// is sent with every enqueue, so this only bounds what one cannot announce). While the listening connection is
    /// down, receivers read every 100 ms instead.
    /// </summary>
    public TimeSpan IdlePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Concurrent INSERT statements that carry the messages queued at the same moment.</summary>
    public int EnqueueConcurrency { get; set; } = 2;

    /// <summary>
    /// The connection pool ceiling of this provider (per process), unless the connection string names its own: the
    /// receivers of the queues this process owns, the enqueue statements and the acknowledgements share it.
    /// </summary>
    public int MaxConnections { get; set; } = 16;

    /// <summary>
    /// Stream namespaces whose consecutive queued messages are handed to their consumers together (up to
    /// <see cref="MaxMessagesPerDelivery"/>): a consumer behind a backlog then makes one call per delivery rather than
    /// per message. A delivery that keeps failing goes to the dead letters as a whole, so only namespaces whose
    /// consumers expect that belong here; other streams get one message per delivery.
    /// </summary>
    public ISet<string> BatchedNamespaces { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>At most this many queued messages of a batched stream go to its consumers in one delivery.</summary>
    public int MaxMessagesPerDelivery { get; set; } = 128;

    /// <summary>
    /// A batched delivery takes no further message once it holds this many events (a single larger message still
    /// travels alone), which bounds how many grains one consumer call fans out to.
    /// </summary>
    public int MaxEventsPerDelivery { get; set; } = 2048;

    /// <summary>At most this many messages go to PostgreSQL in one INSERT.</summary>
    public int MaxEnqueueBatch { get; set; } = 1000;
}

/// <summary>Checks <see cref="PostgresStreamOptions"/> of one provider, each failure naming the provider and the setting.</summary>
internal sealed class PostgresStreamOptionsValidator : IValidateOptions<PostgresStreamOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgresStreamOptions options)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            problems.Add($"Stream provider {name}: ConnectionString is required.");
        }

        Within(problems, name, "MaxDeliveryAttempts", options.MaxDeliveryAttempts, 1, 1000);
        Within(problems, name, "EnqueueConcurrency", options.EnqueueConcurrency, 1, 64);
        Within(problems, name, "MaxConnections", options.MaxConnections, 2, 1000);
        Within(problems, name, "MaxMessagesPerDelivery", options.MaxMessagesPerDelivery, 1, 1000);
        Within(problems, name, "MaxEventsPerDelivery", options.MaxEventsPerDelivery, 1, 100_000);
        Within(problems, name, "MaxEnqueueBatch", options.MaxEnqueueBatch, 1, 10_000);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void Within(List<string> problems, string? provider, string key, int value, int least, int most)
    {
        if (value < least || value > most)
        {
            problems.Add($"Stream provider {provider}: {key} must be between {least} and {most}, not {value}.");
        }
    }
}
