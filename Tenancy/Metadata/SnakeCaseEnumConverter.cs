using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tenancy.Metadata;

/// <summary>Writes enum values as snake_case strings (<c>standalone</c>, <c>migrated</c>).</summary>
internal sealed class SnakeCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false)
    where TEnum : struct, Enum;
