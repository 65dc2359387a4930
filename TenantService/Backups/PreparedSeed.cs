using Tenancy.Databases;

namespace TenantService.Backups;

/// <summary>A new database's file, prepared from a snapshot, and what the new database is: its kind, schema and group.</summary>
internal sealed record PreparedSeed(PreparedSnapshot File, DatabaseKind Kind, DatabaseName? Schema, string? Group) : IDisposable
{
    public void Dispose() => File.Dispose();
}

/// <summary>A seed that names no snapshot to start from; <paramref name="Status"/> is 400 or 404.</summary>
internal sealed record SeedProblem(int Status, string Message);
