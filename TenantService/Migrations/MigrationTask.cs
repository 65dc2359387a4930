using Tenancy.Databases;

namespace TenantService.Migrations;

/// <summary>One database's part of a migration job: a child, or the schema database itself (applied last).</summary>
internal sealed record MigrationTask(
    long JobId,
    DatabaseName Database,
    bool IsSchema,
    MigrationTaskStatus Status,
    string? Error,
    int Attempts);
