namespace TenantService.Backups;

/// <summary>
/// Which snapshots retention removes: every snapshot younger than <see cref="BackupOptions.KeepAll"/> stays, and so
/// does the newest of each UTC day younger than <see cref="BackupOptions.KeepDaily"/>; a live database's newest
/// snapshot always stays (an unchanged database gets no new ones, and must not end up with none).
/// </summary>
internal static class BackupRetention
{
    /// <summary>The timestamps of <paramref name="snapshots"/> to delete at <paramref name="now"/>.</summary>
    public static IReadOnlyList<DateTimeOffset> Expired(IEnumerable<DateTimeOffset> snapshots, DateTimeOffset now, BackupOptions options, bool keepNewest)
    {
        var ordered = snapshots.OrderByDescending(at => at).ToList();
        var expired = new List<DateTimeOffset>();
        var daysKept = new HashSet<DateOnly>();
        for (var i = 0; i < ordered.Count; i++)
        {
            var at = ordered[i];
            var age = now - at;
            // Newest first, so the first one seen of a day is that day's newest.
            var newestOfDay = daysKept.Add(DateOnly.FromDateTime(at.UtcDateTime));
            var kept = (i == 0 && keepNewest) || age < options.KeepAll || (age < options.KeepDaily && newestOfDay);
            if (!kept)
            {
                expired.Add(at);
            }
        }

        return expired;
    }
}
