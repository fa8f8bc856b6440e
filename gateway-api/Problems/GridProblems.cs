using Grid.Gateway.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grid.Gateway.Problems;

/// <summary>Problem Details the gateway answers with, so that every error names what is wrong.</summary>
public static class GridProblems
{
    public static ValidationProblem Invalid(FieldErrors errors)
        => TypedResults.ValidationProblem(errors.ToDictionary(), title: "The request is invalid.");

    public static ValidationProblem Invalid(string field, string message)
    {
        var errors = new FieldErrors();
        errors.Add(field, message);
        return Invalid(errors);
    }

    public static ProblemHttpResult NotFound(string detail)
        => TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found.");

    public static ProblemHttpResult Conflict(string title, string? detail, IDictionary<string, object?>? extensions = null)
        => TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: title, extensions: extensions);

    public static ProblemHttpResult Unprocessable(string title, string? detail, IDictionary<string, object?>? extensions = null)
        => TypedResults.Problem(detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: title, extensions: extensions);
}
