using Microsoft.AspNetCore.Http.HttpResults;
using Tenancy.Connections;
using Tenancy.Identity;
using TodoService.Todos;

namespace TodoService.Apis;

/// <summary>The todo API: the signed-in user's todos, in their own database.</summary>
public static class TodosApi
{
    /// <summary>The page size when a client asks for none.</summary>
    public const int DefaultPageSize = 20;

    /// <summary>The largest page a client may ask for.</summary>
    public const int MaxPageSize = 100;

    /// <summary>Maps <c>/api/todos</c>.</summary>
    public static IEndpointRouteBuilder MapTodosApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/todos")
            .RequireAuthorization(TenantPolicies.User)
            .AddEndpointFilter<TodoValidationFilter>();

        api.MapGet("/", ListTodos).WithName("ListTodos");
        api.MapPost("/", CreateTodo).WithName("CreateTodo");
        api.MapGet("/{id:long}", GetTodo).WithName("GetTodo");
        api.MapPatch("/{id:long}", UpdateTodo).WithName("UpdateTodo");
        api.MapDelete("/{id:long}", DeleteTodo).WithName("DeleteTodo");
        return app;
    }

    /// <summary>Newest first, <c>limit</c> at a time; <c>next_cursor</c> continues.</summary>
    public static async Task<Results<Ok<TodoPage>, ProblemHttpResult>> ListTodos([AsParameters] TodoServices services, [AsParameters] TodoListQuery query)
    {
        var access = await services.AcquireAsync(TenantAccessMode.Read);
        if (access.Session is not { } session)
        {
            return services.Refused(access);
        }

        using (session)
        {
            TodoCursor.TryDecode(query.Cursor ?? string.Empty, out var cursor);
            return TypedResults.Ok(await TodoStore.ListAsync(session, query.Limit ?? DefaultPageSize, cursor, services.Context.RequestAborted));
        }
    }

    /// <summary>Adds a todo; 201 with its Location.</summary>
    public static async Task<Results<Created<Todo>, ProblemHttpResult>> CreateTodo([AsParameters] TodoServices services, CreateTodoRequest request)
    {
        var access = await services.AcquireAsync(TenantAccessMode.Write);
        if (access.Session is not { } session)
        {
            return services.Refused(access);
        }

        using (session)
        {
            var todo = await TodoStore.CreateAsync(session, request.Description!, services.Context.RequestAborted);
            return TypedResults.Created($"/api/todos/{todo.Id}", todo);
        }
    }

    /// <summary>One todo, or 404.</summary>
    public static async Task<Results<Ok<Todo>, ProblemHttpResult>> GetTodo([AsParameters] TodoServices services, long id)
    {
        var access = await services.AcquireAsync(TenantAccessMode.Read);
        if (access.Session is not { } session)
        {
            return services.Refused(access);
        }

        using (session)
        {
            return await TodoStore.GetAsync(session, id, services.Context.RequestAborted) is { } todo
                ? TypedResults.Ok(todo)
                : TodoNotFound(id);
        }
    }

    /// <summary>Changes the description and/or completion of a todo.</summary>
    public static async Task<Results<Ok<Todo>, ProblemHttpResult>> UpdateTodo([AsParameters] TodoServices services, long id, UpdateTodoRequest request)
    {
        var access = await services.AcquireAsync(TenantAccessMode.Write);
        if (access.Session is not { } session)
        {
            return services.Refused(access);
        }

        using (session)
        {
            return await TodoStore.UpdateAsync(session, id, request.Description, request.Completed, services.Context.RequestAborted) is { } todo
                ? TypedResults.Ok(todo)
                : TodoNotFound(id);
        }
    }

    /// <summary>Removes a todo; 204, or 404 when there was none.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteTodo([AsParameters] TodoServices services, long id)
    {
        var access = await services.AcquireAsync(TenantAccessMode.Write);
        if (access.Session is not { } session)
        {
            return services.Refused(access);
        }

        using (session)
        {
            return await TodoStore.DeleteAsync(session, id, services.Context.RequestAborted)
                ? TypedResults.NoContent()
                : TodoNotFound(id);
        }
    }

    private static ProblemHttpResult TodoNotFound(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Todo not found", detail: $"There is no todo {id} in your database.");
}

/// <summary>The paging query of <c>GET /api/todos</c>.</summary>
/// <remarks>Properties, not a positional record: for a constructor with a <c>string?</c> parameter the request delegate generator
/// emits <c>typeof(string?)</c>, which does not compile (CS8639) when it runs, as it does for native AOT.</remarks>
public sealed record TodoListQuery
{
    /// <summary>The page size; <see cref="TodosApi.DefaultPageSize"/> when absent.</summary>
    public int? Limit { get; init; }

    /// <summary>Where the previous page ended (its <c>next_cursor</c>).</summary>
    public string? Cursor { get; init; }
}
