using System.Globalization;

namespace TenantService.Backups;

/// <summary>Timestamps in the API: RFC 3339 UTC, read with or without fractions, written with milliseconds when a snapshot has them.</summary>
internal static class BackupTime
{
    public const string Rule = "an RFC 3339 time such as 2026-11-30T21:00:00Z";

    public static string Format(DateTimeOffset at) =>
        at.UtcDateTime.ToString(at.Millisecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads an RFC 3339 time with an explicit offset (<c>Z</c> or <c>+hh:mm</c>); a bare local time is refused.</summary>
    public static bool TryParse(string? text, out DateTimeOffset at)
    {
        at = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length < 20 || !(text.EndsWith('Z') || text.EndsWith('z') || text[^6] is '+' or '-'))
        {
            return false;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out at) && text[10] is 'T' or 't';
    }
}
