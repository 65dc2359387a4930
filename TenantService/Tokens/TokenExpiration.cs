using System.Globalization;

namespace TenantService.Tokens;

/// <summary>
/// The Platform API's <c>expiration</c>: <c>never</c> (the default, as Turso's), or a duration of whole units written
/// together, largest first: <c>2w</c>, <c>1d12h</c>, <c>30m</c>, <c>90s</c> (weeks, days, hours, minutes, seconds).
/// </summary>
internal static class TokenExpiration
{
    public const string Never = "never";

    public const string Rule = "'expiration' is 'never' or a duration such as 2w, 7d, 12h, 30m or 1d12h (w, d, h, m, s; largest unit first)";

    /// <summary>The lifetime (null for never), or false when the text breaks the rule.</summary>
    public static bool TryParse(string? text, out TimeSpan? lifetime)
    {
        lifetime = null;
        if (string.IsNullOrEmpty(text) || text == Never)
        {
            return true;
        }

        var total = TimeSpan.Zero;
        var lastUnit = int.MaxValue;
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            var digits = 0;
            while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
            {
                digits++;
            }

            if (digits == 0 || digits == rest.Length || digits > 6
                || !int.TryParse(rest[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count == 0)
            {
                return false;
            }

            var (unit, rank) = rest[digits] switch
            {
                'w' => (TimeSpan.FromDays(7), 5),
                'd' => (TimeSpan.FromDays(1), 4),
                'h' => (TimeSpan.FromHours(1), 3),
                'm' => (TimeSpan.FromMinutes(1), 2),
                's' => (TimeSpan.FromSeconds(1), 1),
                _ => (TimeSpan.Zero, 0),
            };
            if (rank == 0 || rank >= lastUnit)
            {
                return false;
            }

            lastUnit = rank;
            total += unit * count;
            rest = rest[(digits + 1)..];
        }

        lifetime = total;
        return true;
    }
}
