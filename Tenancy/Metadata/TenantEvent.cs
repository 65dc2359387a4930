using Tenancy.Databases;

namespace Tenancy.Metadata;

/// <summary>A change to a database, announced on <see cref="RedisKeys.EventsChannel"/> so services drop stale caches.</summary>
/// <param name="Type">What happened.</param>
/// <param name="Name">The database.</param>
/// <param name="Version">Its schema version after the change.</param>
/// <param name="BlockWrites">Whether writes are blocked after the change; <c>null</c> for deletions.</param>
public sealed record TenantEvent(TenantEventType Type, DatabaseName Name, long Version, bool? BlockWrites);
