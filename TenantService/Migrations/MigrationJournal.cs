using System.Globalization;
using Microsoft.Data.Sqlite;
using Tenancy.Databases;
using TenantService.Catalog;
using TenantService.Databases;

namespace TenantService.Migrations;

/// <summary>
/// Migration jobs and their tasks in platform.db (<c>migration_jobs</c>, <c>migration_tasks</c>), on a connection of
/// its own: WAL lets it write beside the catalog. The journal is what a restart resumes from; a task's record may lag
/// behind its database (a crash between the two), which is safe because every task re-checks the version inside
/// the database before applying anything.
/// </summary>
internal sealed class MigrationJournal : IDisposable
{
    private const string JobColumns = "id, schema_name, schema_id, sql, dry_run, lock_mode, target_version, status, error, created_at, started_at, finished_at";
    private const string Unfinished = "(status IN ('WaitingDryRun', 'WaitingRun') OR (status = 'DryRunSuccess' AND dry_run = 0))";

    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;
    private readonly TimeProvider _time;

    public MigrationJournal(TenantDatabaseFactory factory, DatabaseCatalog catalog, TimeProvider time)
    {
        // The catalog creates platform.db and its tables first; the journal only adds its own.
        ArgumentNullException.ThrowIfNull(catalog);
        _time = time;
        var path = factory.Layout.PlatformDatabasePath;
        _connection = factory.Open(path, DatabaseKind.Platform);
        // WAL with NORMAL survives a killed process; only power loss can take back the last commits, and tasks are idempotent.
        Execute("PRAGMA synchronous = NORMAL");
        Execute(
            """
            CREATE TABLE IF NOT EXISTS migration_jobs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                schema_name TEXT NOT NULL,
                schema_id TEXT NOT NULL,
                sql TEXT NOT NULL,
                dry_run INTEGER NOT NULL,
                lock_mode TEXT NOT NULL,
                target_version INTEGER,
                status TEXT NOT NULL,
                error TEXT,
                created_at TEXT NOT NULL,
                started_at TEXT,
                finished_at TEXT
            );
            CREATE INDEX IF NOT EXISTS migration_jobs_by_schema ON migration_jobs (schema_id, id);
            CREATE TABLE IF NOT EXISTS migration_tasks (
                job_id INTEGER NOT NULL REFERENCES migration_jobs (id),
                namespace TEXT NOT NULL,
                is_schema INTEGER NOT NULL,
                status TEXT NOT NULL,
                error TEXT,
                attempts INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (job_id, namespace)
            ) WITHOUT ROWID;
            """);
    }

    public MigrationJob Insert(DatabaseEntry schema, string sql, bool dryRun, MigrationLockMode lockMode, long? targetVersion)
    {
        lock (_gate)
        {
            using var command = Command(
                $"""
                INSERT INTO migration_jobs (schema_name, schema_id, sql, dry_run, lock_mode, target_version, status, created_at)
                VALUES ($schema, $schema_id, $sql, $dry_run, $lock, $target, 'WaitingDryRun', $now)
                RETURNING {JobColumns}
                """,
                ("$schema", schema.Name.Value), ("$schema_id", schema.DbId.ToString()), ("$sql", sql), ("$dry_run", dryRun ? 1 : 0), ("$lock", lockMode.ToString()),
                ("$target", targetVersion), ("$now", Now()));
            return ReadJobs(command)[0];
        }
    }

    public MigrationJob? Find(long id)
    {
        lock (_gate)
        {
            using var command = Command($"SELECT {JobColumns} FROM migration_jobs WHERE id = $id", ("$id", id));
            return ReadJobs(command) is [var job] ? job : null;
        }
    }

    /// <summary>The jobs of <paramref name="schema"/>, newest first; not those of an earlier database of the same name.</summary>
    public IReadOnlyList<MigrationJob> List(DatabaseEntry schema)
    {
        lock (_gate)
        {
            using var command = Command($"SELECT {JobColumns} FROM migration_jobs WHERE schema_id = $schema_id ORDER BY id DESC", ("$schema_id", schema.DbId.ToString()));
            return ReadJobs(command);
        }
    }

    /// <summary>
    /// The job that holds schema database <paramref name="schemaId"/>: its oldest unfinished one, or an older one that
    /// failed in the run phase (children may be ahead of the schema, so nothing else may run until it is retried).
    /// </summary>
    public MigrationJob? Head(Guid schemaId)
    {
        lock (_gate)
        {
            using var command = Command(
                $"SELECT {JobColumns} FROM migration_jobs WHERE schema_id = $schema_id AND ({Unfinished} OR status = 'RunFailure') ORDER BY id LIMIT 1",
                ("$schema_id", schemaId.ToString()));
            return ReadJobs(command) is [var job] ? job : null;
        }
    }

    /// <summary>The unfinished job of <paramref name="schema"/> that was submitted for <paramref name="targetVersion"/>, if any.</summary>
    public MigrationJob? FindPending(DatabaseEntry schema, long targetVersion)
    {
        lock (_gate)
        {
            using var command = Command(
                $"""
                SELECT {JobColumns} FROM migration_jobs
                WHERE schema_id = $schema_id AND target_version = $target AND ({Unfinished} OR status = 'RunFailure')
                ORDER BY id LIMIT 1
                """,
                ("$schema_id", schema.DbId.ToString()), ("$target", targetVersion));
            return ReadJobs(command) is [var job] ? job : null;
        }
    }

    /// <summary>Ends the unfinished jobs of a schema database that was deleted (and perhaps created again since).</summary>
    /// <returns>The ids of the jobs ended.</returns>
    public IReadOnlyList<long> EndOrphans(DatabaseName schema, Guid? currentId)
    {
        lock (_gate)
        {
            using var command = Command(
                $"""
                UPDATE migration_jobs
                SET status = CASE status WHEN 'WaitingDryRun' THEN 'DryRunFailure' ELSE 'RunFailure' END,
                    error = 'schema database ' || quote(schema_name) || ' was deleted while this job waited or ran',
                    finished_at = $now
                WHERE schema_name = $schema AND schema_id IS NOT $current AND {Unfinished}
                RETURNING id
                """,
                ("$schema", schema.Value), ("$current", currentId?.ToString()), ("$now", Now()));
            using var reader = command.ExecuteReader();
            var ids = new List<long>();
            while (reader.Read())
            {
                ids.Add(reader.GetInt64(0));
            }

            return ids;
        }
    }

    public IReadOnlyList<DatabaseName> SchemasWithUnfinishedJobs()
    {
        lock (_gate)
        {
            using var command = Command($"SELECT DISTINCT schema_name FROM migration_jobs WHERE {Unfinished} ORDER BY schema_name");
            using var reader = command.ExecuteReader();
            var schemas = new List<DatabaseName>();
            while (reader.Read())
            {
                schemas.Add(DatabaseName.Parse(reader.GetString(0)));
            }

            return schemas;
        }
    }

    /// <summary>Fixes the job's target version and creates its tasks, in one transaction, so a restart finds both or neither.</summary>
    public MigrationJob Start(long jobId, long targetVersion, IEnumerable<(DatabaseName Database, bool IsSchema)> tasks)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using (var update = Command(
                "UPDATE migration_jobs SET target_version = $target, started_at = $now WHERE id = $id",
                ("$target", targetVersion), ("$now", Now()), ("$id", jobId)))
            {
                update.Transaction = transaction;
                update.ExecuteNonQuery();
            }

            InsertTasks(transaction, jobId, tasks);
            transaction.Commit();
            using var find = Command($"SELECT {JobColumns} FROM migration_jobs WHERE id = $id", ("$id", jobId));
            return ReadJobs(find)[0];
        }
    }

    /// <summary>Adds tasks for children found late (created during the job); existing tasks are left as they are.</summary>
    public void AddTasks(long jobId, IEnumerable<DatabaseName> children)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            InsertTasks(transaction, jobId, children.Select(child => (child, false)));
            transaction.Commit();
        }
    }

    public void SetStatus(long jobId, MigrationJobStatus status, string? error, bool finished)
    {
        lock (_gate)
        {
            using var command = Command(
                "UPDATE migration_jobs SET status = $status, error = $error, finished_at = $finished WHERE id = $id",
                ("$status", status.ToString()), ("$error", error), ("$finished", finished ? Now() : null), ("$id", jobId));
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Records many task outcomes in one transaction: one commit for a whole batch of databases.</summary>
    public void SetTasks(IReadOnlyCollection<MigrationTask> tasks)
    {
        if (tasks.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using var command = Command(
                "UPDATE migration_tasks SET status = $status, error = $error, attempts = $attempts WHERE job_id = $job AND namespace = $name",
                ("$status", null), ("$error", null), ("$attempts", null), ("$job", null), ("$name", null));
            command.Transaction = transaction;
            foreach (var task in tasks)
            {
                command.Parameters["$status"].Value = task.Status.ToString();
                command.Parameters["$error"].Value = (object?)task.Error ?? DBNull.Value;
                command.Parameters["$attempts"].Value = task.Attempts;
                command.Parameters["$job"].Value = task.JobId;
                command.Parameters["$name"].Value = task.Database.Value;
                command.ExecuteNonQuery();
            }

            transaction.Commit();
        }
    }

    /// <summary>The tasks of a job: children by name, the schema database last.</summary>
    public IReadOnlyList<MigrationTask> Tasks(long jobId)
    {
        lock (_gate)
        {
            using var command = Command(
                "SELECT job_id, namespace, is_schema, status, error, attempts FROM migration_tasks WHERE job_id = $job ORDER BY is_schema, namespace",
                ("$job", jobId));
            using var reader = command.ExecuteReader();
            var tasks = new List<MigrationTask>();
            while (reader.Read())
            {
                tasks.Add(new MigrationTask(
                    reader.GetInt64(0),
                    DatabaseName.Parse(reader.GetString(1)),
                    reader.GetInt64(2) != 0,
                    Enum.Parse<MigrationTaskStatus>(reader.GetString(3)),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.GetInt32(5)));
            }

            return tasks;
        }
    }

    /// <summary>Puts a <see cref="MigrationJobStatus.RunFailure"/> job back to running, its failed tasks back in the queue.</summary>
    /// <returns>False when the job is not a run failure.</returns>
    public bool Reopen(long jobId)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using var job = Command(
                "UPDATE migration_jobs SET status = 'WaitingRun', error = NULL, finished_at = NULL WHERE id = $id AND status = 'RunFailure'",
                ("$id", jobId));
            job.Transaction = transaction;
            if (job.ExecuteNonQuery() == 0)
            {
                return false;
            }

            using var tasks = Command(
                "UPDATE migration_tasks SET status = 'Enqueued', error = NULL WHERE job_id = $id AND status IN ('Failure', 'Run')",
                ("$id", jobId));
            tasks.Transaction = transaction;
            tasks.ExecuteNonQuery();
            transaction.Commit();
            return true;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _connection.Dispose();
        }
    }

    private void InsertTasks(SqliteTransaction transaction, long jobId, IEnumerable<(DatabaseName Database, bool IsSchema)> tasks)
    {
        using var insert = Command(
            "INSERT OR IGNORE INTO migration_tasks (job_id, namespace, is_schema, status) VALUES ($job, $name, $is_schema, 'Enqueued')",
            ("$job", jobId), ("$name", null), ("$is_schema", null));
        insert.Transaction = transaction;
        foreach (var (database, isSchema) in tasks)
        {
            insert.Parameters["$name"].Value = database.Value;
            insert.Parameters["$is_schema"].Value = isSchema ? 1 : 0;
            insert.ExecuteNonQuery();
        }
    }

    private string Now() => _time.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private void Execute(string sql)
    {
        using var command = Command(sql);
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (parameterName, value) in parameters)
        {
            command.Parameters.AddWithValue(parameterName, value ?? DBNull.Value);
        }

        return command;
    }

    private static List<MigrationJob> ReadJobs(SqliteCommand command)
    {
        var jobs = new List<MigrationJob>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            jobs.Add(new MigrationJob(
                reader.GetInt64(0),
                DatabaseName.Parse(reader.GetString(1)),
                Guid.Parse(reader.GetString(2)),
                reader.GetString(3),
                reader.GetInt64(4) != 0,
                Enum.Parse<MigrationLockMode>(reader.GetString(5)),
                reader.IsDBNull(6) ? null : reader.GetInt64(6),
                Enum.Parse<MigrationJobStatus>(reader.GetString(7)),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                Timestamp(reader.GetString(9))!.Value,
                reader.IsDBNull(10) ? null : Timestamp(reader.GetString(10)),
                reader.IsDBNull(11) ? null : Timestamp(reader.GetString(11))));
        }

        return jobs;
    }

    private static DateTimeOffset? Timestamp(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
