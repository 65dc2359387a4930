using System.Text.Json;
using System.Text.Json.Serialization;
using Tenancy;

namespace TenantService.Apis;

/// <summary>Source-generated JSON for every platform API request and answer.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(CreateDatabaseRequest))]
[JsonSerializable(typeof(DatabaseResponse))]
[JsonSerializable(typeof(DatabaseListResponse))]
[JsonSerializable(typeof(DeletedDatabaseResponse))]
[JsonSerializable(typeof(QuarantineListResponse))]
[JsonSerializable(typeof(ErrorBody))]
internal sealed partial class PlatformJsonContext : JsonSerializerContext;
