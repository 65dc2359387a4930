using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Tenancy.Databases;

/// <summary>
/// Writes a database as SQL text, like the <c>sqlite3</c> shell's <c>.dump</c> and <c>.schema</c>. Rows are streamed,
/// one at a time, inside one read transaction so the text is a consistent snapshot. SQLite's internal tables are left
/// out (<c>sqlite_sequence</c> is written the shell's way; <c>sqlite_stat*</c> are not: run <c>ANALYZE</c> after a restore),
/// and so is the platform's bookkeeping (the schema version lives in <c>PRAGMA user_version</c>, which dumps never carry).
/// </summary>
public static class SqlDumpWriter
{
    private const string SchemaQuery = """
        SELECT type, name, sql FROM sqlite_schema
        WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
        ORDER BY rowid
        """;

    /// <summary>
    /// Writes the whole database as SQL that recreates it: <c>PRAGMA foreign_keys=OFF; BEGIN TRANSACTION;</c>, each table
    /// followed by its rows as <c>INSERT</c>s, then indexes, views and triggers, then <c>COMMIT;</c>.
    /// The connection must not be inside a transaction. The statement time limit does not apply to the dump's reads.
    /// </summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="writer">Where the SQL goes.</param>
    /// <param name="cancellationToken">
    /// Stops the dump between rows. Writes are not cancelled: a cancelled write breaks an HTTP response off mid-line, where
    /// the caller may still want to end it with an explanation.
    /// </param>
    /// <returns>A task that completes when the dump is written.</returns>
    public static async Task WriteAsync(SqliteConnection connection, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(writer);
        using var longReads = ConnectionGuard.Find(connection)?.AllowLongStatements();
        using var transaction = connection.BeginTransaction(deferred: true);
        var objects = ReadSchema(connection, transaction);
        var shadowTables = ReadShadowTables(connection, transaction);

        await writer.WriteAsync("PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n");
        foreach (var (type, name, sql) in objects)
        {
            if (type != "table" || shadowTables.Contains(name))
            {
                continue;
            }

            await writer.WriteAsync(sql);
            await writer.WriteAsync(";\n");
            await WriteRowsAsync(connection, transaction, name, writer, cancellationToken);
        }

        if (TableExists(connection, transaction, "sqlite_sequence"))
        {
            await writer.WriteAsync("DELETE FROM sqlite_sequence;\n");
            await WriteRowsAsync(connection, transaction, "sqlite_sequence", writer, cancellationToken);
        }

        foreach (var (type, _, sql) in objects)
        {
            if (type is "index" or "view" or "trigger")
            {
                await writer.WriteAsync(sql);
                await writer.WriteAsync(";\n");
            }
        }

        await writer.WriteAsync("COMMIT;\n");
        await writer.FlushAsync(CancellationToken.None);
    }

    /// <summary>Writes only the <c>CREATE</c> statements of tables, indexes, views and triggers, in creation order.</summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="writer">Where the SQL goes.</param>
    /// <param name="cancellationToken">Stops the dump.</param>
    /// <returns>A task that completes when the schema is written.</returns>
    public static async Task WriteSchemaAsync(SqliteConnection connection, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(writer);
        List<(string Type, string Name, string Sql)> objects;
        HashSet<string> shadowTables;
        using (var transaction = connection.BeginTransaction(deferred: true))
        {
            objects = ReadSchema(connection, transaction);
            shadowTables = ReadShadowTables(connection, transaction);
        }

        foreach (var (_, name, sql) in objects)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!shadowTables.Contains(name))
            {
                await writer.WriteAsync(sql);
                await writer.WriteAsync(";\n");
            }
        }

        await writer.FlushAsync(cancellationToken);
    }

    private static List<(string Type, string Name, string Sql)> ReadSchema(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = SchemaQuery;
        using var reader = command.ExecuteReader();
        var objects = new List<(string, string, string)>();
        while (reader.Read())
        {
            objects.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        return objects;
    }

    // A virtual table's shadow tables are recreated by its CREATE VIRTUAL TABLE and filled by its INSERTs.
    private static HashSet<string> ReadShadowTables(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'shadow'";
        using var reader = command.ExecuteReader();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private static bool TableExists(SqliteConnection connection, SqliteTransaction transaction, string name)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = $name";
        command.Parameters.AddWithValue("$name", name);
        return command.ExecuteScalar() is not null;
    }

    private static async Task WriteRowsAsync(
        SqliteConnection connection, SqliteTransaction transaction, string table, TextWriter writer, CancellationToken cancellationToken)
    {
        var columns = ReadInsertableColumns(connection, transaction, table);
        if (columns.Count == 0)
        {
            return;
        }

        var quotedTable = QuoteIdentifier(table);
        var prefix = columns.All(c => c.Plain)
            ? $"INSERT INTO {quotedTable} VALUES("
            : $"INSERT INTO {quotedTable}({string.Join(',', columns.Select(c => QuoteIdentifier(c.Name)))}) VALUES(";

        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {string.Join(',', columns.Select(c => QuoteIdentifier(c.Name)))} FROM {quotedTable}";
        using var reader = command.ExecuteReader();
        var line = new StringBuilder();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            line.Clear().Append(prefix);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                if (i > 0)
                {
                    line.Append(',');
                }

                AppendLiteral(line, reader.GetValue(i));
            }

            line.Append(");\n");
            await writer.WriteAsync(line, CancellationToken.None);
        }
    }

    // Generated and hidden columns cannot be inserted; when a table has any, INSERTs name their columns.
    private static List<(string Name, bool Plain)> ReadInsertableColumns(SqliteConnection connection, SqliteTransaction transaction, string table)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT name, hidden FROM pragma_table_xinfo($table) ORDER BY cid";
        command.Parameters.AddWithValue("$table", table);
        using var reader = command.ExecuteReader();
        var columns = new List<(string, bool)>();
        var allPlain = true;
        while (reader.Read())
        {
            if (reader.GetInt64(1) == 0)
            {
                columns.Add((reader.GetString(0), true));
            }
            else
            {
                allPlain = false;
            }
        }

        return allPlain ? columns : columns.ConvertAll(c => (c.Item1, false));
    }

    /// <summary>Appends <paramref name="value"/> as an SQL literal that reads back as the same value and storage class.</summary>
    internal static void AppendLiteral(StringBuilder sql, object value)
    {
        switch (value)
        {
            case DBNull or null:
                sql.Append("NULL");
                break;
            case long integer:
                sql.Append(integer.ToString(CultureInfo.InvariantCulture));
                break;
            case double real:
                AppendReal(sql, real);
                break;
            case string text when text.Contains('\0', StringComparison.Ordinal):
                // A NUL would end the literal early; the bytes survive as a blob cast back to text.
                sql.Append("CAST(X'").Append(Convert.ToHexString(Encoding.UTF8.GetBytes(text))).Append("' AS TEXT)");
                break;
            case string text:
                sql.Append('\'').Append(text.Replace("'", "''", StringComparison.Ordinal)).Append('\'');
                break;
            case byte[] blob:
                sql.Append("X'").Append(Convert.ToHexString(blob)).Append('\'');
                break;
            default:
                throw new InvalidOperationException($"Unexpected SQLite value of type {value.GetType()}.");
        }
    }

    private static void AppendReal(StringBuilder sql, double real)
    {
        if (double.IsPositiveInfinity(real))
        {
            sql.Append("1e999");
            return;
        }

        if (double.IsNegativeInfinity(real))
        {
            sql.Append("-1e999");
            return;
        }

        var text = real.ToString("R", CultureInfo.InvariantCulture);
        sql.Append(text);
        // Without a '.' or exponent SQLite would read the value back as an INTEGER.
        if (text.AsSpan().IndexOfAny('.', 'E') < 0)
        {
            sql.Append(".0");
        }
    }

    internal static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
