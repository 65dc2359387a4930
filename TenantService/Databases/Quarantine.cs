using Tenancy.Databases;

namespace TenantService.Databases;

/// <summary>
/// Database files set aside at start because platform.db had no record of them (an interrupted create or delete, or a
/// platform.db restored from an older copy): <c>quarantine/&lt;UTC time&gt;/&lt;name&gt;.db</c> with their WAL, never
/// deleted. Listed from the folder on every call, since an operator moves files out of it by hand.
/// </summary>
internal sealed class Quarantine(DatabaseLayout layout)
{
    /// <summary>Moves a database file with its WAL into this start's folder; returns that folder.</summary>
    public string SetAside(string databasePath, DateTimeOffset at)
    {
        var folder = layout.QuarantineDirectory(at);
        Directory.CreateDirectory(folder);
        // The WAL may hold committed writes that never reached the file: it moves along with it.
        foreach (var suffix in new[] { "-wal", "-shm", "" })
        {
            if (File.Exists(databasePath + suffix))
            {
                File.Move(databasePath + suffix, Path.Combine(folder, Path.GetFileName(databasePath) + suffix));
            }
        }

        return folder;
    }

    /// <summary>Every quarantined database file, newest first.</summary>
    public IReadOnlyList<QuarantinedFile> List()
    {
        if (!Directory.Exists(layout.QuarantineRoot))
        {
            return [];
        }

        var files = new List<QuarantinedFile>();
        foreach (var folder in Directory.EnumerateDirectories(layout.QuarantineRoot))
        {
            if (!DatabaseLayout.TryParseTimestamp(Path.GetFileName(folder), out var at))
            {
                continue;
            }

            foreach (var path in Directory.EnumerateFiles(folder, "*.db"))
            {
                var file = new FileInfo(path);
                // Moved away by the operator between listing and reading: no longer quarantined.
                if (file.Exists)
                {
                    files.Add(new QuarantinedFile(Path.GetFileNameWithoutExtension(path), Path.GetRelativePath(layout.DataDirectory, path), at, file.Length));
                }
            }
        }

        return files.OrderByDescending(file => file.QuarantinedAt).ThenBy(file => file.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The newest quarantined file of <paramref name="name"/>, if any.</summary>
    public QuarantinedFile? Latest(DatabaseName name) =>
        List().FirstOrDefault(file => string.Equals(file.Name, name.Value, StringComparison.Ordinal));

    /// <summary>Where <paramref name="name"/>'s file goes back to, relative to <c>DATA_DIR</c>.</summary>
    public string HomeOf(DatabaseName name) => Path.GetRelativePath(layout.DataDirectory, layout.DatabasePath(name));
}

/// <summary>One quarantined database file: its database name, its path relative to <c>DATA_DIR</c>, when it was set aside, its size in bytes.</summary>
internal sealed record QuarantinedFile(string Name, string Path, DateTimeOffset QuarantinedAt, long Size);
