using System.Globalization;
using Microsoft.Data.Sqlite;
using Tenancy.Connections;

namespace TodoService.Todos;

/// <summary>The todo queries, run on a leased tenant connection; statements stay prepared on warm connections.</summary>
internal static class TodoStore
{
    private const string Columns = "id, description, completed, created_at";

    private const string FirstPage = $"SELECT {Columns} FROM todos ORDER BY created_at DESC, id DESC LIMIT @limit";
    private const string NextPage = $"SELECT {Columns} FROM todos WHERE (created_at, id) < (@created_at, @id) ORDER BY created_at DESC, id DESC LIMIT @limit";
    private const string SelectOne = $"SELECT {Columns} FROM todos WHERE id = @id";
    private const string Insert = $"INSERT INTO todos (description) VALUES (@description) RETURNING {Columns}";
    private const string Update = $"UPDATE todos SET description = coalesce(@description, description), completed = coalesce(@completed, completed) WHERE id = @id RETURNING {Columns}";
    private const string DeleteOne = "DELETE FROM todos WHERE id = @id";

    public static async Task<TodoPage> ListAsync(TenantLease lease, int limit, TodoCursor? after, CancellationToken cancellationToken)
    {
        using var command = lease.Command(after is null ? FirstPage : NextPage);
        // One extra row tells whether there is a next page.
        command.Parameters.AddWithValue("@limit", limit + 1);
        if (after is { } cursor)
        {
            command.Parameters.AddWithValue("@created_at", cursor.CreatedAt);
            command.Parameters.AddWithValue("@id", cursor.Id);
        }

        var items = new List<Todo>(limit);
        string? lastCreatedAt = null;
        var more = false;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (items.Count == limit)
                {
                    more = true;
                    break;
                }

                items.Add(Read(reader));
                lastCreatedAt = reader.GetString(3);
            }
        }

        var next = more ? new TodoCursor(lastCreatedAt!, items[^1].Id).Encode() : null;
        return new TodoPage(items, next);
    }

    public static Task<Todo?> GetAsync(TenantLease lease, long id, CancellationToken cancellationToken) =>
        QuerySingleAsync(lease, SelectOne, cancellationToken, ("@id", id));

    public static async Task<Todo> CreateAsync(TenantLease lease, string description, CancellationToken cancellationToken) =>
        (await QuerySingleAsync(lease, Insert, cancellationToken, ("@description", description.Trim())))!;

    public static Task<Todo?> UpdateAsync(TenantLease lease, long id, string? description, bool? completed, CancellationToken cancellationToken) =>
        QuerySingleAsync(lease, Update, cancellationToken,
            ("@id", id),
            ("@description", (object?)description?.Trim() ?? DBNull.Value),
            ("@completed", completed is { } done ? (done ? 1 : 0) : DBNull.Value));

    public static async Task<bool> DeleteAsync(TenantLease lease, long id, CancellationToken cancellationToken)
    {
        using var command = lease.Command(DeleteOne);
        command.Parameters.AddWithValue("@id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private static async Task<Todo?> QuerySingleAsync(TenantLease lease, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        using var command = lease.Command(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static Todo Read(SqliteDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        reader.GetInt64(2) != 0,
        DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal));
}
