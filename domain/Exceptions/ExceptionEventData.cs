namespace Grid.Domain.Exceptions;

/// <summary>
/// Data of <c>grid.exception.opened.v1</c> and <c>grid.exception.resolved.v1</c>: the exception as it stands.
/// <see cref="ReopenedBy"/> is set when a person reopened a resolved exception.
/// </summary>
public sealed record ExceptionEventData(
    string ExceptionId,
    ExceptionKind Kind,
    ExceptionSeverity Severity,
    ExceptionSubjectType SubjectType,
    string SubjectId,
    string Detail,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset LastSeenAt,
    int Count,
    ExceptionState State,
    string? AcknowledgedBy,
    string? AssignedTo,
    string? ResolvedBy,
    DateTimeOffset? ResolvedAt,
    string? Resolution,
    string? LineId,
    string? Sku,
    string? Location,
    string? Reference,
    string? ReopenedBy)
{
    public static ExceptionEventData Of(OpsException e, string? reopenedBy = null) => new(
        e.Id, e.Kind, e.Severity, e.Subject.Type, e.Subject.Id, e.Detail, e.FirstSeenAt, e.LastSeenAt, e.Count, e.State,
        e.AcknowledgedBy, e.AssignedTo, e.ResolvedBy, e.ResolvedAt, e.Resolution, e.LineId, e.Sku, e.Location, e.Reference, reopenedBy);
}
