using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Serialization;

namespace Grid.Domain.Exceptions;

/// <summary>What an exception is about: an order, a SKU-location, an outbound target or an event stream.</summary>
public sealed record ExceptionSubject(ExceptionSubjectType Type, string Id);

/// <summary>
/// A source telling the queue that something went wrong. Reports with the same <see cref="Key"/> coalesce into one
/// exception while it is not resolved; <see cref="SourceId"/> names this occurrence, so that a source that reports the
/// same occurrence again (at least once) does not count it twice. <see cref="Discriminator"/> tells apart two
/// exceptions of one kind about one subject (an order's line, the subject of a dead-lettered event); null when there is
/// one per kind and subject.
/// </summary>
public sealed record ExceptionReport(
    ExceptionKind Kind,
    ExceptionSubject Subject,
    string Detail,
    DateTimeOffset At,
    string SourceId,
    string? Discriminator = null,
    ExceptionSeverity? Severity = null,
    string? LineId = null,
    string? Sku = null,
    string? Location = null,
    string? Reference = null)
{
    public string Key => ExceptionKeys.Of(Kind, Subject, Discriminator);
}

/// <summary>The condition behind an exception cleared (a self-check passes, a dead letter was replayed...): it resolves by itself.</summary>
public sealed record ExceptionClearance(ExceptionKind Kind, ExceptionSubject Subject, string Why, DateTimeOffset At, string? Discriminator = null)
{
    public string Key => ExceptionKeys.Of(Kind, Subject, Discriminator);
}

/// <summary>Exception identities: the coalescing key, and the partition a key belongs to.</summary>
public static class ExceptionKeys
{
    public static string Of(ExceptionKind kind, ExceptionSubject subject, string? discriminator)
        => discriminator is null ? $"{kind}|{subject.Type}|{subject.Id}" : $"{kind}|{subject.Type}|{subject.Id}|{discriminator}";

    /// <summary>The partition of a key: FNV-1a of its UTF-8 bytes modulo <paramref name="partitions"/>, so that every silo agrees.</summary>
    public static int PartitionOf(string key, int partitions) => StableHash.Bucket(key, partitions);

    /// <summary>An exception's id: its partition and its number there, <c>3-17</c>.</summary>
    public static string Id(int partition, long number) => string.Create(CultureInfo.InvariantCulture, $"{partition}-{number}");

    /// <summary>The partition an id names; false for anything that is not an exception id.</summary>
    public static bool TryParsePartition(string? id, out int partition)
    {
        partition = -1;
        if (id is null)
        {
            return false;
        }

        var dash = id.IndexOf('-', StringComparison.Ordinal);
        return dash > 0
            && int.TryParse(id.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out partition)
            && long.TryParse(id.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }
}

/// <summary>
/// One thing a person must act on, with its repeats coalesced (<see cref="Count"/>, <see cref="FirstSeenAt"/>,
/// <see cref="LastSeenAt"/>) and where it stands: who acknowledged it, who it is assigned to, who resolved it and why.
/// </summary>
public sealed record OpsException(
    string Id,
    string Key,
    ExceptionKind Kind,
    ExceptionSeverity Severity,
    ExceptionSubject Subject,
    string Detail,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset LastSeenAt,
    int Count,
    ExceptionState State,
    DateTimeOffset UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AcknowledgedBy = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? AcknowledgedAt = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AssignedTo = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ResolvedBy = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? ResolvedAt = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Resolution = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? LineId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Sku = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Location = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reference = null,
    ImmutableArray<string> RecentSources = default)
{
    /// <summary>How many occurrence ids an exception remembers to recognise a source's repeat.</summary>
    public const int SourceMemory = 16;

    [JsonIgnore] public bool IsActive => State != ExceptionState.Resolved;
}
