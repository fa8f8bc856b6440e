using D = Grid.Domain.Exceptions;

namespace Grid.Exceptions;

/// <summary>Maps between the exception contracts and the domain model (enums by value: see the mirrored enum specs).</summary>
internal static class ExceptionMapping
{
    public static D.ExceptionSubject ToDomain(this ExceptionSubject s) => new((D.ExceptionSubjectType)s.Type, s.Id);

    public static D.ExceptionReport ToDomain(this ExceptionReportInput r) => new(
        (D.ExceptionKind)r.Kind, r.Subject.ToDomain(), r.Detail, r.At, r.SourceId, r.Discriminator, (D.ExceptionSeverity?)r.Severity,
        r.LineId, r.Sku, r.Location, r.Reference);

    public static D.ExceptionClearance ToDomain(this ExceptionClearanceInput c)
        => new((D.ExceptionKind)c.Kind, c.Subject.ToDomain(), c.Why, c.At, c.Discriminator);

    public static string Key(this ExceptionReportInput r) => D.ExceptionKeys.Of((D.ExceptionKind)r.Kind, r.Subject.ToDomain(), r.Discriminator);

    public static string Key(this ExceptionClearanceInput c) => D.ExceptionKeys.Of((D.ExceptionKind)c.Kind, c.Subject.ToDomain(), c.Discriminator);

    public static ExceptionView ToView(this D.OpsException e) => new(
        e.Id, (ExceptionKind)e.Kind, (ExceptionSeverity)e.Severity, (ExceptionState)e.State,
        new ExceptionSubject((ExceptionSubjectType)e.Subject.Type, e.Subject.Id), e.Detail, e.FirstSeenAt, e.LastSeenAt, e.Count, e.UpdatedAt,
        e.AcknowledgedBy, e.AcknowledgedAt, e.AssignedTo, e.ResolvedBy, e.ResolvedAt, e.Resolution,
        e.Subject.Type == D.ExceptionSubjectType.Order ? e.Subject.Id : null, e.LineId, e.Sku, e.Location, e.Reference);

    public static ExceptionResult ToContract(this D.ExceptionOutcome o) => new((ExceptionResultCode)o.Code, o.Exception?.ToView(), o.Problem);

    /// <summary>Whether an exception passes a listing's filter.</summary>
    public static bool Passes(this ExceptionFilter f, D.OpsException e)
        => (f.Kinds.IsDefaultOrEmpty || f.Kinds.Contains((ExceptionKind)e.Kind))
           && (f.States.IsDefaultOrEmpty || f.States.Contains((ExceptionState)e.State))
           && (f.MinSeverity is not { } min || (int)e.Severity >= (int)min)
           && (f.SubjectType is not { } type || (int)e.Subject.Type == (int)type)
           && (f.SubjectId is not { } id || string.Equals(e.Subject.Id, id, StringComparison.Ordinal))
           && (f.AssignedTo is not { } who || string.Equals(e.AssignedTo, who, StringComparison.Ordinal));
}
