namespace TodoService.Todos;

/// <summary>One todo of the signed-in user.</summary>
public sealed record Todo(long Id, string Description, bool Completed, DateTimeOffset CreatedAt);

/// <summary>A page of todos, newest first; <paramref name="NextCursor"/> fetches the next one.</summary>
public sealed record TodoPage(IReadOnlyList<Todo> Items, string? NextCursor);

/// <summary>The body of <c>POST /api/todos</c>.</summary>
public sealed record CreateTodoRequest(string? Description);

/// <summary>The body of <c>PATCH /api/todos/{id}</c>; absent fields stay as they are.</summary>
public sealed record UpdateTodoRequest(string? Description, bool? Completed);

/// <summary>What <c>GET /api/me</c> tells the signed-in user about their database.</summary>
public sealed record MeResponse(string UserId, string Database, string Status, long? SchemaVersion);
