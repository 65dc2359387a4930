using Tenancy.Databases;
using TenantService.Catalog;
using TenantService.Databases;

namespace TenantService.Backups;

/// <summary>
/// Takes one snapshot with SQLite's online backup API on a read-only connection of its own: a consistent copy of the
/// committed database (the WAL read through SQLite, never copied), taken under a read transaction, so writers go on.
/// The copy is written to a temporary file, flushed, renamed into place and its folder flushed; the connection is closed
/// when it is done, so no snapshot holds a tenant's file open.
/// </summary>
internal sealed class SnapshotTaker(TenantDatabaseFactory factory, SnapshotStore store)
{
    /// <summary>Snapshots <paramref name="entry"/> as of <paramref name="at"/>; the file mark read just before, for change detection.</summary>
    /// <exception cref="FileNotFoundException">The database has no file.</exception>
    public (Snapshot Snapshot, FileMark Mark) Take(DatabaseEntry entry, DateTimeOffset at)
    {
        var path = factory.Layout.DatabasePath(entry.Name);
        // Read before the copy: a write after this point changes the mark, so the next pass takes it.
        var mark = FileMark.Read(path);
        var destination = factory.Layout.BackupPath(entry.Name, at);
        using (var connection = factory.Open(path, entry.Kind, entry.Schema?.Value, readOnly: true))
        {
            DatabaseBackup.Copy(connection, destination);
        }

        DiskFlush.Folder(Path.GetDirectoryName(destination)!);
        store.Describe(entry);
        var snapshot = store.List(entry.Name).First(snapshot => snapshot.Path == destination);
        return (snapshot, mark);
    }
}
