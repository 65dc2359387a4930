namespace Tenancy.Identity;

/// <summary>What a database or group token's revocation is checked by on each request.</summary>
/// <param name="Database">The database of a database token; null for a group token, which is checked against the requested database.</param>
/// <param name="Group">The group: a group token's own, or the database's when the token was issued.</param>
/// <param name="IssuedAtMilliseconds">When it was issued, Unix milliseconds.</param>
internal sealed record TokenRevocationCheck(string? Database, string Group, long IssuedAtMilliseconds);
