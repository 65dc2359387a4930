using System.Text.Json;

namespace TenantService.Webhooks;

/// <summary>The part of a Clerk webhook payload that matters here: <c>type</c> and <c>data.id</c>.</summary>
internal sealed record ClerkEvent(string Type, string? SubjectId)
{
    public static bool TryParse(ReadOnlySpan<byte> body, out ClerkEvent? clerkEvent)
    {
        clerkEvent = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            string? id = null;
            if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String)
            {
                id = idElement.GetString();
            }

            clerkEvent = new ClerkEvent(type.GetString()!, string.IsNullOrEmpty(id) ? null : id);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
