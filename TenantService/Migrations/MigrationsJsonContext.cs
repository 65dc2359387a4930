using System.Text.Json;
using System.Text.Json.Serialization;

namespace TenantService.Migrations;

/// <summary>Source-generated JSON for the migration requests and answers; registered with the app's JSON options.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(MigrationRequest))]
[JsonSerializable(typeof(MigrationJobSummary))]
[JsonSerializable(typeof(MigrationJobList))]
[JsonSerializable(typeof(MigrationJobView))]
internal sealed partial class MigrationsJsonContext : JsonSerializerContext;
