using System.Text.Json.Serialization;
using Tenancy.Databases;

namespace Tenancy.Metadata;

/// <summary>Source-generated snake_case JSON (enum values too) for the metadata kept in Redis.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    Converters = [typeof(SnakeCaseEnumConverter<DatabaseKind>), typeof(SnakeCaseEnumConverter<TenantEventType>)])]
[JsonSerializable(typeof(TenantRecord))]
[JsonSerializable(typeof(TenantEvent))]
[JsonSerializable(typeof(CloseRequest))]
internal sealed partial class MetadataJsonContext : JsonSerializerContext;
