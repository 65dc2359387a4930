using System.Buffers.Binary;
using System.Text.Json;
using Tenancy.Databases;
using TenantService.Catalog;
using TenantService.Databases;

namespace TenantService.Backups;

/// <summary>
/// The snapshot files under <c>DATA_DIR/backups/&lt;name&gt;/&lt;UTC time&gt;.db</c>, the same layout as the final
/// backup a delete writes, so retention, listings and undelete treat both alike. Beside them, <c>database.json</c>
/// remembers what the database was (kind, schema, group), which an undelete needs once its record is gone.
/// </summary>
internal sealed class SnapshotStore(TenantDatabaseFactory factory)
{
    private const string DescriptorFile = "database.json";

    public DatabaseLayout Layout => factory.Layout;

    /// <summary>The snapshots of <paramref name="name"/>, newest first; none when it never had one.</summary>
    public IReadOnlyList<Snapshot> List(DatabaseName name)
    {
        var directory = Layout.BackupsDirectory(name);
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var snapshots = new List<Snapshot>();
        foreach (var file in new DirectoryInfo(directory).EnumerateFiles("*.db"))
        {
            if (DatabaseLayout.TryParseTimestamp(Path.GetFileNameWithoutExtension(file.Name), out var at))
            {
                snapshots.Add(new Snapshot(name, at, file.FullName, file.Length, ReadVersion(file.FullName)));
            }
        }

        snapshots.Sort((a, b) => b.TakenAt.CompareTo(a.TakenAt));
        return snapshots;
    }

    /// <summary>
    /// The final SQL dumps of <paramref name="name"/> (<c>&lt;UTC time&gt;.sql</c>) taken when it was deleted from a storage
    /// backend, newest first, relative to DATA_DIR: text to replay, not snapshots to restore from.
    /// </summary>
    public IReadOnlyList<string> Dumps(DatabaseName name)
    {
        var directory = Layout.BackupsDirectory(name);
        return Directory.Exists(directory)
            ? [.. Directory.EnumerateFiles(directory, "*.sql").Order(StringComparer.Ordinal).Reverse().Select(path => Path.GetRelativePath(Layout.DataDirectory, path))]
            : [];
    }

    /// <summary>The newest snapshot taken at or before <paramref name="at"/>, or null.</summary>
    public Snapshot? LatestAtOrBefore(DatabaseName name, DateTimeOffset at) =>
        List(name).FirstOrDefault(snapshot => snapshot.TakenAt <= at);

    /// <summary>Every name that has a backups folder: live and deleted databases alike.</summary>
    public IEnumerable<DatabaseName> Names()
    {
        if (!Directory.Exists(Layout.BackupsRoot))
        {
            yield break;
        }

        foreach (var directory in Directory.EnumerateDirectories(Layout.BackupsRoot))
        {
            if (DatabaseName.TryCreate(Path.GetFileName(directory), out var name, out _))
            {
                yield return name;
            }
        }
    }

    public void Delete(Snapshot snapshot) => File.Delete(snapshot.Path);

    /// <summary>Writes what <paramref name="entry"/> is beside its snapshots, unless it is there already.</summary>
    public void Describe(DatabaseEntry entry) => Describe(Layout, entry);

    /// <summary>Writes what <paramref name="entry"/> is beside its snapshots, unless it is there already; also called by a delete for its final backup.</summary>
    public static void Describe(DatabaseLayout layout, DatabaseEntry entry)
    {
        var path = Path.Combine(layout.BackupsDirectory(entry.Name), DescriptorFile);
        var descriptor = new SnapshotDescriptor(DatabaseProvisioner.KindName(entry.Kind), entry.Schema?.Value, entry.Group);
        if (File.Exists(path) && ReadDescriptor(path) == descriptor)
        {
            return;
        }

        DurableFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(descriptor, BackupsJsonContext.Default.SnapshotDescriptor), flushDirectory: false);
    }

    /// <summary>What the database whose snapshots these are was, when known.</summary>
    public SnapshotDescriptor? ReadDescriptor(DatabaseName name) => ReadDescriptor(Path.Combine(Layout.BackupsDirectory(name), DescriptorFile));

    private static SnapshotDescriptor? ReadDescriptor(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), BackupsJsonContext.Default.SnapshotDescriptor);
        }
        catch (Exception exception) when (exception is IOException or JsonException)
        {
            return null;
        }
    }

    /// <summary>The schema version SQLite keeps in the header (<c>user_version</c>, 4 bytes big-endian at offset 60): no need to open the database.</summary>
    private static int ReadVersion(string path)
    {
        Span<byte> header = stackalloc byte[64];
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            return stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length
                ? BinaryPrimitives.ReadInt32BigEndian(header[60..])
                : 0;
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    }
}
