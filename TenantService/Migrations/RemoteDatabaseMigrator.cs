using LibsqlClient;
using TenantService.Catalog;
using TenantService.Databases;
using TenantService.Storage;

namespace TenantService.Migrations;

/// <summary>
/// Runs a migration on a database that lives on a storage backend, through libSQL: the statements and their <c>BEGIN</c> and
/// <c>COMMIT</c> (or <c>ROLLBACK</c> for a dry run) go as one batch, one request, so the transaction never waits on a round trip.
/// The backend keeps no version the platform can trust (<c>PRAGMA user_version</c> is the backend's own), so the version is
/// this node's record, which the job writes once the batch committed.
/// </summary>
internal sealed class RemoteDatabaseMigrator(StorageBackends backends, MigrationOptions options) : IDatabaseMigrator
{
    // Nothing to open ahead: the backend's connections are pooled per backend, not per database.
    public Task OpenAheadAsync(DatabaseEntry entry, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<DatabaseMigration> DryRunAsync(DatabaseEntry entry, string sql, long targetVersion, CancellationToken cancellationToken) =>
        RunAsync(entry, sql, targetVersion, commit: false, cancellationToken);

    public Task<DatabaseMigration> ApplyAsync(DatabaseEntry entry, string sql, long targetVersion, CancellationToken cancellationToken) =>
        RunAsync(entry, sql, targetVersion, commit: true, cancellationToken);

    private async Task<DatabaseMigration> RunAsync(DatabaseEntry entry, string sql, long targetVersion, bool commit, CancellationToken cancellationToken)
    {
        var placement = entry.Placement ?? throw new InvalidOperationException($"database '{entry.Name}' is in this node's files.");
        if (entry.Version >= targetVersion)
        {
            return new DatabaseMigration(DatabaseMigrationOutcome.AlreadyAtVersion, entry.Version);
        }

        if (MigrationScript.TryParse(sql, out var problem) is not { } script)
        {
            return new DatabaseMigration(DatabaseMigrationOutcome.Failed, entry.Version, problem);
        }

        var batch = new Batch();
        var previous = batch.Add(commit ? "BEGIN IMMEDIATE" : "BEGIN");
        foreach (var statement in script.Statements)
        {
            previous = batch.Add(statement, new BatchCondition.Ok(previous));
        }

        var finish = commit ? batch.Add("COMMIT", new BatchCondition.Ok(previous)) : -1;
        // Whatever ran is undone unless it committed; a dry run always ends here.
        batch.Add("ROLLBACK", commit ? new BatchCondition.Not(new BatchCondition.Ok(finish)) : null);
        var where = $"on storage backend '{placement.Backend}'";
        LibsqlDatabase database;
        try
        {
            database = backends.Open(placement, options.DatabaseTimeout);
        }
        catch (StorageBackendException exception)
        {
            return new DatabaseMigration(DatabaseMigrationOutcome.Failed, entry.Version, exception.Message);
        }

        using (database)
        {
            try
            {
                var result = await database.BatchAsync(batch, cancellationToken);
                var last = commit ? finish : previous;
                for (var step = 0; step <= last; step++)
                {
                    if (result.StepErrors[step] is { } error)
                    {
                        return new DatabaseMigration(DatabaseMigrationOutcome.Failed, entry.Version, $"{error.Message} ({where})");
                    }
                }

                return new DatabaseMigration(DatabaseMigrationOutcome.Applied, commit ? targetVersion : entry.Version);
            }
            catch (LibsqlException exception)
            {
                // A run whose answer was lost may have committed there; its retry then meets the change already made and fails, named.
                var translated = BackendDatabases.Translate(placement.Backend, exception, $"migrate '{entry.Name}'");
                return new DatabaseMigration(
                    translated.Failure == StorageFailure.NotFound ? DatabaseMigrationOutcome.Missing : DatabaseMigrationOutcome.Failed,
                    entry.Version,
                    translated.Message);
            }
        }
    }
}
