namespace TenantService.Catalog;

/// <summary>
/// The tables of platform.db, as numbered steps kept in <c>PRAGMA user_version</c>. A later feature adds
/// its tables (migration jobs and their tasks) as the next step; steps are never edited once shipped.
/// </summary>
internal static class PlatformSchema
{
    public static readonly IReadOnlyList<string> Steps =
    [
        """
        CREATE TABLE databases (
            name TEXT NOT NULL PRIMARY KEY,
            db_id TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('schema', 'child', 'standalone')),
            schema_name TEXT,
            group_name TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            block_reads INTEGER NOT NULL DEFAULT 0,
            block_writes INTEGER NOT NULL DEFAULT 0,
            CHECK ((kind = 'child') = (schema_name IS NOT NULL))
        ) WITHOUT ROWID;
        CREATE INDEX databases_by_schema ON databases (schema_name) WHERE schema_name IS NOT NULL;
        CREATE INDEX databases_by_group ON databases (group_name);
        """,
        // Webhook deliveries acted on, kept for svix's replay window: replay protection must outlive a Redis restart.
        """
        CREATE TABLE webhook_deliveries (
            id TEXT NOT NULL PRIMARY KEY,
            claimed_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX webhook_deliveries_by_time ON webhook_deliveries (claimed_at);
        """,
        // Creates whose rename from the file pool is not yet flushed to disk: start-up redoes the rename if a power loss undid it.
        """
        CREATE TABLE pending_moves (
            name TEXT NOT NULL PRIMARY KEY,
            source TEXT NOT NULL
        ) WITHOUT ROWID;
        """,
        // Where a database lives when not in this node's files (a storage backend and its libSQL URL), and the remote creates
        // begun but not yet recorded: what a crash leaves there is this node's to delete.
        """
        ALTER TABLE databases ADD COLUMN storage_backend TEXT;
        ALTER TABLE databases ADD COLUMN storage_url TEXT;
        CREATE TABLE remote_creates (
            name TEXT NOT NULL PRIMARY KEY,
            backend TEXT NOT NULL
        ) WITHOUT ROWID;
        """,
    ];
}
