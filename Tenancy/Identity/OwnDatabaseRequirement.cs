using Microsoft.AspNetCore.Authorization;

namespace Tenancy.Identity;

/// <summary>
/// The route's database must be one the caller may use (<see cref="TenantClaims.AccessTo"/>), as <see cref="DatabaseAccessHandler"/>
/// decides: any for the platform caller, a user's own or active organization's, a database token's, a group token's group's.
/// </summary>
internal sealed class OwnDatabaseRequirement : IAuthorizationRequirement;
