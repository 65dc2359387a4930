using Tenancy.Databases;

namespace Tenancy.Metadata;

/// <summary>A request to every service to close database <paramref name="Name"/> and acknowledge under <paramref name="Id"/>.</summary>
/// <param name="Name">The database being deleted or replaced.</param>
/// <param name="Id">The request, naming its acknowledgement list <see cref="RedisKeys.CloseAcks"/>.</param>
public sealed record CloseRequest(DatabaseName Name, string Id);
