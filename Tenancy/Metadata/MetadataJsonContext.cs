using System.Text.Json;
using System.Text.Json.Serialization;
using Tenancy.Databases;

namespace Tenancy.Metadata;

/// <summary>Source-generated snake_case JSON (enum values too) for the metadata kept in Redis.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    Converters = [typeof(SnakeCaseEnumConverter<DatabaseKind>), typeof(SnakeCaseEnumConverter<TenantEventType>)])]
[JsonSerializable(typeof(TenantRecord))]
[JsonSerializable(typeof(TenantEvent))]
internal sealed partial class MetadataJsonContext : JsonSerializerContext;

/// <summary>Writes enum values as snake_case strings (<c>standalone</c>, <c>migrated</c>).</summary>
internal sealed class SnakeCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false)
    where TEnum : struct, Enum;
