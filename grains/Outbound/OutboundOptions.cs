using System.Text.RegularExpressions;
using Grid.Domain.Outbound;
using Microsoft.Extensions.Options;

namespace Grid.Outbound;

/// <summary>Outbound delivery (DESIGN §5), bound from <c>Grid:Outbound</c> and validated at start-up.</summary>
public sealed class OutboundOptions
{
    public const string SectionName = "Grid:Outbound";

    /// <summary>The targets by name (<c>Grid:Outbound:Targets:&lt;name&gt;:Url</c>, ...). Default: none (nothing is recorded for delivery).</summary>
    public Dictionary<string, OutboundTargetOptions> Targets { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The CloudEvents <c>source</c> of every event. Default: <c>/grid/&lt;Grid:ClusterId&gt;</c>.</summary>
    public string? Source { get; set; }

    /// <summary>
    /// Publisher partitions per target: subjects are spread over them by hash, each drains in parallel with its share of
    /// the target's rate limit and concurrency. It can be changed with events waiting (every silo restarted with the same
    /// new count): each partition hands the subjects that no longer map to it, whole and in order, to their new partition,
    /// and subjects that moved are held until every partition has handed over (see <see cref="OutboundLayoutGrain"/> and
    /// docs/events.md, "Changing the partition count"). Default: 4.
    /// </summary>
    public int Partitions { get; set; } = 4;

    /// <summary>The longest a busy publisher sleeps before it looks again for events that fell due. Default: 00:00:01.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long an availability publisher that has less than a full request of changes waits for more to join it, once,
    /// before it sends what it has. Fewer, fuller requests and cursor writes under load, for at most this much more lag.
    /// Zero sends at once. Default: 00:00:00.100.
    /// </summary>
    public TimeSpan BatchLinger { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How often each silo asks the subscription registry for changes (the silo that made a change routes by it at once;
    /// the others within this). Default: 00:00:05.
    /// </summary>
    public TimeSpan SubscriptionRefresh { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Period of the reminder that keeps a publisher with a backlog (or a source grain with an undelivered outbox) alive
    /// and draining after restarts. Orleans' minimum is 1 minute unless <c>Grid:Reminders:MinimumReminderPeriod</c> lowers it. Default: 00:01:00.
    /// </summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Delivered events kept per publisher partition for redelivery on request. Default: 1000.</summary>
    public int RetainDelivered { get; set; } = 1000;

    /// <summary>How long delivered events are kept for redelivery. Default: 1.00:00:00.</summary>
    public TimeSpan RetainFor { get; set; } = TimeSpan.FromDays(1);

    public string SourceFor(string clusterId) => string.IsNullOrWhiteSpace(Source) ? $"/grid/{clusterId}" : Source;
}

/// <summary>One outbound target: where, how it is signed, what it receives, and its limits.</summary>
public sealed class OutboundTargetOptions
{
    /// <summary>The URL events are POSTed to (http or https). Required.</summary>
    public string? Url { get; set; }

    /// <summary>The Standard Webhooks signing secret: <c>whsec_</c> + base64, or any other text (its UTF-8 bytes). Required.</summary>
    public string? Secret { get; set; }

    /// <summary>Event type patterns this target receives: <c>grid.order.accepted.v1</c>, <c>grid.order.*</c> or <c>*</c>. Required.</summary>
    public List<string> EventTypes { get; set; } = [];

    /// <summary>
    /// Requests per second to this target, shared evenly by its partitions. With <see cref="BatchSize"/> this bounds the
    /// events per second a target can take (50 × 100 = 5,000 by default). Default: 50.
    /// </summary>
    public double MaxRequestsPerSecond { get; set; } = 50;

    /// <summary>Requests in flight to this target at once, shared evenly by its partitions (at least one each). Default: 8.</summary>
    public int MaxConcurrentRequests { get; set; } = 8;

    /// <summary>Attempts before an event goes to the dead letters. Default: 15.</summary>
    public int MaxAttempts { get; set; } = 15;

    /// <summary>Age (since it was queued) after which a failing event goes to the dead letters. Default: 3.00:00:00.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(3);

    /// <summary>How long one HTTP attempt may take. Default: 00:00:15.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Back-off after the first failed attempt; it doubles with each further one (with jitter). Default: 00:00:01.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest back-off between attempts. Default: 00:15:00.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Events per request: 1 sends each event alone (<c>application/cloudevents+json</c>); more sends up to that many as a
    /// JSON array (<c>application/cloudevents-batch+json</c>), at most one event per subject in each. A batch goes out as
    /// soon as events are due; it is never held back to fill up. Default: 100.
    /// </summary>
    public int BatchSize { get; set; } = 100;

    public RetryPolicy ToRetryPolicy() => new(InitialBackoff, MaxBackoff, MaxAttempts, MaxAge);
}

/// <summary>Every problem with <see cref="OutboundOptions"/>, each naming its key.</summary>
internal sealed partial class OutboundOptionsValidator : IValidateOptions<OutboundOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboundOptions options)
    {
        const string section = OutboundOptions.SectionName;
        var problems = new List<string>();
        if (options.Partitions is < 1 or > 256)
        {
            problems.Add($"{section}:Partitions must be 1-256, not {options.Partitions}.");
        }

        if (options.PollInterval <= TimeSpan.Zero || options.PollInterval > TimeSpan.FromMinutes(1))
        {
            problems.Add($"{section}:PollInterval must be more than zero and at most 00:01:00, not {options.PollInterval}.");
        }

        if (options.BatchLinger < TimeSpan.Zero || options.BatchLinger > TimeSpan.FromSeconds(5))
        {
            problems.Add($"{section}:BatchLinger must be 00:00:00-00:00:05, not {options.BatchLinger}.");
        }

        if (options.SubscriptionRefresh < TimeSpan.FromMilliseconds(100) || options.SubscriptionRefresh > TimeSpan.FromMinutes(5))
        {
            problems.Add($"{section}:SubscriptionRefresh must be 00:00:00.100-00:05:00, not {options.SubscriptionRefresh}.");
        }

        if (options.ReminderPeriod < TimeSpan.FromSeconds(1))
        {
            problems.Add($"{section}:ReminderPeriod must be at least 00:00:01, not {options.ReminderPeriod}.");
        }

        if (options.RetainDelivered is < 0 or > 100_000)
        {
            problems.Add($"{section}:RetainDelivered must be 0-100000, not {options.RetainDelivered}.");
        }

        if (options.Source is { } source && !Uri.TryCreate(source, UriKind.RelativeOrAbsolute, out _))
        {
            problems.Add($"{section}:Source must be a URI reference, not '{source}'.");
        }

        foreach (var (target, t) in options.Targets)
        {
            var key = $"{section}:Targets:{target}";
            if (!IsTargetName(target))
            {
                problems.Add($"{key}: a target name is 1-32 of A-Z, a-z, 0-9, '_' and '-'.");
            }

            problems.AddRange(TargetProblems(t).Select(p => $"{key}:{p.Problem}"));
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>
    /// The problems with one target's settings: each with the field as the API names it (<c>url</c>,
    /// <c>eventTypes[0]</c>) and a message that starts with the key under the target (<c>Url must be ...</c>).
    /// </summary>
    internal static IEnumerable<(string Field, string Problem)> TargetProblems(OutboundTargetOptions t)
    {
        if (!Uri.TryCreate(t.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            yield return ("url", $"Url must be an absolute http or https URL, not '{t.Url}'.");
        }

        if (string.IsNullOrEmpty(t.Secret))
        {
            yield return ("secret", "Secret is required (a whsec_ secret, or any text).");
        }
        else if (!WebhookSignature.IsUsable(t.Secret))
        {
            yield return ("secret", "Secret starts with whsec_ but what follows is not base64.");
        }

        if (t.EventTypes.Count == 0)
        {
            yield return ("eventTypes", "EventTypes must list at least one event type pattern (such as grid.order.* or *).");
        }

        for (var i = 0; i < t.EventTypes.Count; i++)
        {
            if (OutboundEventTypes.Selected(t.EventTypes[i]).Count == 0)
            {
                yield return ($"eventTypes[{i}]", $"EventTypes:{i} '{t.EventTypes[i]}' selects no event type; known: {string.Join(", ", OutboundEventTypes.All.Select(x => x.Type))}.");
            }
        }

        if (t.MaxRequestsPerSecond is <= 0 or > 100_000 || double.IsNaN(t.MaxRequestsPerSecond))
        {
            yield return ("maxRequestsPerSecond", $"MaxRequestsPerSecond must be more than 0 and at most 100000, not {t.MaxRequestsPerSecond}.");
        }

        if (t.MaxConcurrentRequests is < 1 or > 1000)
        {
            yield return ("maxConcurrentRequests", $"MaxConcurrentRequests must be 1-1000, not {t.MaxConcurrentRequests}.");
        }

        if (t.BatchSize is < 1 or > 100)
        {
            yield return ("batchSize", $"BatchSize must be 1-100, not {t.BatchSize}.");
        }

        if (t.MaxAttempts is < 1 or > 1000)
        {
            yield return ("maxAttempts", $"MaxAttempts must be 1-1000, not {t.MaxAttempts}.");
        }

        if (t.MaxAge <= TimeSpan.Zero)
        {
            yield return ("maxAge", $"MaxAge must be more than zero, not {t.MaxAge}.");
        }

        if (t.Timeout <= TimeSpan.Zero || t.Timeout > TimeSpan.FromMinutes(5))
        {
            yield return ("timeout", $"Timeout must be more than zero and at most 00:05:00, not {t.Timeout}.");
        }

        if (t.InitialBackoff <= TimeSpan.Zero || t.MaxBackoff < t.InitialBackoff)
        {
            yield return ("initialBackoff", $"InitialBackoff must be more than zero and MaxBackoff at least InitialBackoff ({t.InitialBackoff}, {t.MaxBackoff}).");
        }
    }

    internal static bool IsTargetName(string name) => TargetName().IsMatch(name);

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex TargetName();
}
