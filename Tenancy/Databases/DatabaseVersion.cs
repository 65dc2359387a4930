using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Tenancy.Databases;

/// <summary>
/// The schema version recorded inside a database, in <c>PRAGMA user_version</c>: stored in the file header,
/// copied with the file, changed atomically with the transaction that writes it, and invisible to dumps.
/// Tenants can read it but not change it; only <see cref="Write"/> can.
/// </summary>
public static class DatabaseVersion
{
    /// <summary>The highest version SQLite can store (the header field is a signed 32-bit integer).</summary>
    public const long MaxVersion = int.MaxValue;

    /// <summary>Reads the schema version of the connection's database (0 for a new database).</summary>
    /// <param name="connection">An open connection.</param>
    /// <returns>The version.</returns>
    public static long Read(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Records <paramref name="version"/> as the schema version. Run it inside the migration's transaction so the
    /// schema and its version change together.
    /// </summary>
    /// <param name="connection">An open connection, typically from <see cref="TenantDatabaseFactory"/>.</param>
    /// <param name="version">The version, 0 to <see cref="MaxVersion"/>.</param>
    /// <param name="transaction">The transaction the write belongs to, if any.</param>
    public static void Write(SqliteConnection connection, long version, SqliteTransaction? transaction = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(version, MaxVersion);
        using var door = ConnectionGuard.Find(connection)?.AllowPlatformWrites();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        // PRAGMA takes no parameters; the value is a range-checked integer.
        command.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {version}");
        command.ExecuteNonQuery();
    }
}
