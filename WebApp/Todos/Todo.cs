using System.Text.Json.Serialization;

namespace WebApp.Todos;

/// <summary>A todo as the todo API returns it.</summary>
public sealed record Todo(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("completed")] bool Completed,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt);

/// <summary>One page of todos, newest first.</summary>
public sealed record TodoPage(
    [property: JsonPropertyName("items")] IReadOnlyList<Todo> Items,
    [property: JsonPropertyName("next_cursor")] string? NextCursor);

/// <summary>The todos a page shows, and whether there are more.</summary>
public sealed record TodoList(IReadOnlyList<Todo> Items, bool HasMore);

/// <summary>An answer of the todo API, or what went wrong in words a user can act on.</summary>
public sealed record TodoApiResult<T>(T? Value, string? Problem)
{
    public bool Succeeded => Problem is null;
}
