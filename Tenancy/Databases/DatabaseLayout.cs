using System.Globalization;
using Microsoft.Extensions.Hosting;

namespace Tenancy.Databases;

/// <summary>
/// Where every file lives under <c>DATA_DIR</c>: <c>platform.db</c>, <c>databases/&lt;first two chars&gt;/&lt;name&gt;.db</c>,
/// <c>backups/&lt;name&gt;/&lt;UTC timestamp&gt;.db</c> and <c>secrets.json</c>.
/// </summary>
public sealed class DatabaseLayout
{
    private const string BackupTimestampFormat = "yyyyMMdd'T'HHmmssfff'Z'";

    /// <summary>Creates the layout rooted at <paramref name="dataDirectory"/> (made absolute; nothing is created on disk).</summary>
    /// <param name="dataDirectory">The <c>DATA_DIR</c> path.</param>
    public DatabaseLayout(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        DataDirectory = Path.GetFullPath(dataDirectory);
    }

    /// <summary>Where <c>DATA_DIR</c> is when unset: <c>.data</c> under the current directory.</summary>
    public const string DefaultDataDirectory = ".data";

    /// <summary>The absolute <c>DATA_DIR</c>.</summary>
    public string DataDirectory { get; }

    /// <summary>The control plane's own database, <c>platform.db</c>.</summary>
    public string PlatformDatabasePath => Path.Combine(DataDirectory, "platform.db");

    /// <summary>The dev secrets file, <c>secrets.json</c>.</summary>
    public string SecretsPath => Path.Combine(DataDirectory, "secrets.json");

    /// <summary>The folder that holds every schema, child and standalone database.</summary>
    public string DatabasesDirectory => Path.Combine(DataDirectory, "databases");

    /// <summary>The folder that holds every backup.</summary>
    public string BackupsRoot => Path.Combine(DataDirectory, "backups");

    /// <summary>The folder that holds each start's quarantined files: <c>quarantine</c>.</summary>
    public string QuarantineRoot => Path.Combine(DataDirectory, "quarantine");

    /// <summary>
    /// Where database files that platform.db does not know are kept aside at start, never deleted:
    /// <c>quarantine/&lt;when&gt;/&lt;name&gt;.db</c> with their <c>-wal</c>.
    /// </summary>
    /// <param name="at">When the files were found; written in UTC with milliseconds.</param>
    /// <returns>The absolute path of that start's folder.</returns>
    public string QuarantineDirectory(DateTimeOffset at) =>
        Path.Combine(QuarantineRoot, at.UtcDateTime.ToString(BackupTimestampFormat, CultureInfo.InvariantCulture));

    /// <summary>Reads the UTC time a backup file or quarantine folder is named by, such as <c>20261123T093000123Z</c>.</summary>
    /// <param name="text">The name, without its extension.</param>
    /// <param name="at">The time, when the name is one.</param>
    /// <returns>Whether <paramref name="text"/> is such a name.</returns>
    public static bool TryParseTimestamp(string text, out DateTimeOffset at) =>
        DateTimeOffset.TryParseExact(text, BackupTimestampFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at);

    /// <summary>The file of database <paramref name="name"/>: <c>databases/&lt;first two chars&gt;/&lt;name&gt;.db</c>.</summary>
    /// <param name="name">The database.</param>
    /// <returns>The absolute path.</returns>
    public string DatabasePath(DatabaseName name)
    {
        var value = Require(name);
        // Two-character shards keep directories small with 100,000s of tenants.
        return Path.Combine(DatabasesDirectory, value[..Math.Min(2, value.Length)], value + ".db");
    }

    /// <summary>The folder of <paramref name="name"/>'s backups: <c>backups/&lt;name&gt;</c>.</summary>
    /// <param name="name">The database.</param>
    /// <returns>The absolute path.</returns>
    public string BackupsDirectory(DatabaseName name) => Path.Combine(BackupsRoot, Require(name));

    /// <summary>The file of a backup taken at <paramref name="takenAt"/>: <c>backups/&lt;name&gt;/20261123T093000123Z.db</c>.</summary>
    /// <param name="name">The database.</param>
    /// <param name="takenAt">When the backup is taken; written in UTC with milliseconds.</param>
    /// <returns>The absolute path.</returns>
    public string BackupPath(DatabaseName name, DateTimeOffset takenAt) =>
        Path.Combine(BackupsDirectory(name), takenAt.UtcDateTime.ToString(BackupTimestampFormat, CultureInfo.InvariantCulture) + ".db");

    // The one place DATA_DIR is read in a service; everything else takes this layout.
    internal static DatabaseLayout Read(SettingsReader settings) => new(settings.FullPath("DATA_DIR", DefaultDataDirectory));

    private static string Require(DatabaseName name) =>
        name.Value.Length > 0 ? name.Value : throw new ArgumentException("A database name is required, not default(DatabaseName).", nameof(name));
}
