using TodoService.Todos;

namespace TodoService.Apis;

/// <summary>Checks todo requests before any database is touched; every problem is reported at once, by field.</summary>
internal sealed class TodoValidationFilter : IEndpointFilter
{
    public const int MaxDescriptionLength = 1000;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var argument in context.Arguments)
        {
            switch (argument)
            {
                case CreateTodoRequest create:
                    CheckDescription(create.Description, required: true, errors);
                    break;
                case UpdateTodoRequest update:
                    CheckDescription(update.Description, required: false, errors);
                    break;
                case TodoListQuery query:
                    CheckQuery(query, errors);
                    break;
            }
        }

        return errors.Count == 0 ? await next(context) : TypedResults.ValidationProblem(errors);
    }

    private static void CheckDescription(string? description, bool required, Dictionary<string, string[]> errors)
    {
        if (description is null)
        {
            if (required)
            {
                errors["description"] = ["'description' is required."];
            }

            return;
        }

        var length = description.Trim().Length;
        if (length is 0 or > MaxDescriptionLength)
        {
            errors["description"] = [$"'description' must be 1-{MaxDescriptionLength} characters after trimming; it has {length}."];
        }
    }

    private static void CheckQuery(TodoListQuery query, Dictionary<string, string[]> errors)
    {
        if (query.Limit is < 1 or > TodosApi.MaxPageSize)
        {
            errors["limit"] = [$"'limit' must be between 1 and {TodosApi.MaxPageSize}."];
        }

        if (query.Cursor is { } cursor && !TodoCursor.TryDecode(cursor, out _))
        {
            errors["cursor"] = ["'cursor' is not a cursor this API gave out; pass next_cursor from the previous page."];
        }
    }
}
