using System.Globalization;
using Tenancy.Connections;

namespace TodoService.Todos;

/// <summary>The todo queries, run on a tenant session; on a local connection their statements stay prepared while it is warm.</summary>
internal static class TodoStore
{
    private const string Columns = "id, description, completed, created_at";

    private const string FirstPage = $"SELECT {Columns} FROM todos ORDER BY created_at DESC, id DESC LIMIT @limit";
    private const string NextPage = $"SELECT {Columns} FROM todos WHERE (created_at, id) < (@created_at, @id) ORDER BY created_at DESC, id DESC LIMIT @limit";
    private const string SelectOne = $"SELECT {Columns} FROM todos WHERE id = @id";
    private const string Insert = $"INSERT INTO todos (description) VALUES (@description) RETURNING {Columns}";
    private const string Update = $"UPDATE todos SET description = coalesce(@description, description), completed = coalesce(@completed, completed) WHERE id = @id RETURNING {Columns}";
    private const string DeleteOne = "DELETE FROM todos WHERE id = @id";

    public static async Task<TodoPage> ListAsync(ITenantSession session, int limit, TodoCursor? after, CancellationToken cancellationToken)
    {
        // One extra row tells whether there is a next page.
        var rows = after is { } cursor
            ? await session.QueryAsync(NextPage, ReadWithCreatedAt, limit + 1, cancellationToken, ("@limit", limit + 1), ("@created_at", cursor.CreatedAt), ("@id", cursor.Id))
            : await session.QueryAsync(FirstPage, ReadWithCreatedAt, limit + 1, cancellationToken, ("@limit", limit + 1));
        var more = rows.Count > limit;
        var items = rows.Take(limit).Select(row => row.Todo).ToList();
        var next = more ? new TodoCursor(rows[limit - 1].CreatedAt, items[^1].Id).Encode() : null;
        return new TodoPage(items, next);
    }

    public static Task<Todo?> GetAsync(ITenantSession session, long id, CancellationToken cancellationToken) =>
        QuerySingleAsync(session, SelectOne, cancellationToken, ("@id", id));

    public static async Task<Todo> CreateAsync(ITenantSession session, string description, CancellationToken cancellationToken) =>
        (await QuerySingleAsync(session, Insert, cancellationToken, ("@description", description.Trim())))!;

    public static Task<Todo?> UpdateAsync(ITenantSession session, long id, string? description, bool? completed, CancellationToken cancellationToken) =>
        QuerySingleAsync(session, Update, cancellationToken,
            ("@id", id),
            ("@description", description?.Trim()),
            ("@completed", completed is { } done ? (done ? 1 : 0) : null));

    public static async Task<bool> DeleteAsync(ITenantSession session, long id, CancellationToken cancellationToken) =>
        await session.ExecuteAsync(DeleteOne, cancellationToken, ("@id", id)) > 0;

    private static async Task<Todo?> QuerySingleAsync(ITenantSession session, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] arguments) =>
        (await session.QueryAsync(sql, Read, maxRows: 1, cancellationToken, arguments)) is [var todo] ? todo : null;

    // The cursor keeps created_at as stored, so the next page compares text with text; the row's text is read once.
    private static (Todo Todo, string CreatedAt) ReadWithCreatedAt(ITenantRow row)
    {
        var createdAt = row.GetString(3);
        return (Read(row, createdAt), createdAt);
    }

    private static Todo Read(ITenantRow row) => Read(row, row.GetString(3));

    private static Todo Read(ITenantRow row, string createdAt) => new(
        row.GetInt64(0),
        row.GetString(1),
        row.GetInt64(2) != 0,
        DateTimeOffset.Parse(createdAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal));
}
