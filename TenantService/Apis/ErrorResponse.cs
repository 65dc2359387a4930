namespace TenantService.Apis;

/// <summary>Every platform API error: <c>{"error": "..."}</c>, the Turso Platform API's shape.</summary>
internal sealed record ErrorResponse(string Error);
