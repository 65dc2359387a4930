using Microsoft.Extensions.Hosting;

namespace Tenancy.Databases;

/// <summary>
/// The schema databases new tenants' databases follow (<c>USER_SCHEMA</c>, <c>ORG_SCHEMA</c>), read and validated at
/// start by <see cref="TenancyExtensions.AddTenantSchemas{TBuilder}"/>; the gateway and tenantservice share them.
/// </summary>
public sealed record TenantSchemaOptions
{
    /// <summary>The schema of every new user's database when <c>USER_SCHEMA</c> is unset.</summary>
    public const string DefaultUserSchema = "todos-schema";

    /// <summary>The schema of every new organization's database when <c>ORG_SCHEMA</c> is unset.</summary>
    public const string DefaultOrganizationSchema = "workspace-schema";

    /// <summary>The schema database every new user's database follows (<c>USER_SCHEMA</c>).</summary>
    public DatabaseName UserSchema { get; init; } = DatabaseName.Parse(DefaultUserSchema);

    /// <summary>The schema database every new organization's database follows (<c>ORG_SCHEMA</c>).</summary>
    public DatabaseName OrganizationSchema { get; init; } = DatabaseName.Parse(DefaultOrganizationSchema);

    internal static TenantSchemaOptions Read(SettingsReader settings)
    {
        var defaults = new TenantSchemaOptions();
        return new TenantSchemaOptions
        {
            UserSchema = settings.Parsed("USER_SCHEMA", defaults.UserSchema, Name, DatabaseName.Rule),
            OrganizationSchema = settings.Parsed("ORG_SCHEMA", defaults.OrganizationSchema, Name, DatabaseName.Rule),
        };
    }

    private static DatabaseName? Name(string value) => DatabaseName.TryCreate(value, out var name, out _) ? name : null;
}
