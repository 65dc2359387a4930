using System.Globalization;
using System.Text.Json.Serialization;
using TenantService.Databases;

namespace TenantService.Apis;

/// <summary>A quarantined file as the platform API shows it; <c>path</c> is relative to <c>DATA_DIR</c>.</summary>
internal sealed record QuarantinedFileView(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("quarantined_at")] string QuarantinedAt,
    [property: JsonPropertyName("size")] long Size)
{
    public static QuarantinedFileView Of(QuarantinedFile file) => new(
        file.Name,
        file.Path,
        // RFC 3339 UTC, as every timestamp of the API.
        file.QuarantinedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        file.Size);
}

/// <summary><c>{"files": [file, ...]}</c>, newest first.</summary>
internal sealed record QuarantineListResponse([property: JsonPropertyName("files")] IReadOnlyList<QuarantinedFileView> Files);
