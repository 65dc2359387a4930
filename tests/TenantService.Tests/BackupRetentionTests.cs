using TenantService.Backups;

namespace TenantService.Tests;

public sealed class BackupRetentionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly BackupOptions Defaults = new();

    [Fact]
    public void EverySnapshotOfTheLastDayIsKept()
    {
        var hourly = Enumerable.Range(0, 24).Select(hours => Now.AddHours(-hours).AddMinutes(-1)).ToList();
        Assert.Empty(BackupRetention.Expired(hourly, Now, Defaults, keepNewest: true));
    }

    [Fact]
    public void OlderThanADayOnlyTheNewestOfEachUtcDayIsKept()
    {
        // Nov 28: 08:00, 16:00, 23:00 (all older than 24 h): only 23:00 stays.
        var at0800 = new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero);
        var at1600 = at0800.AddHours(8);
        var at2300 = at0800.AddHours(15);
        // Nov 29 11:00 is 25 h old and the newest of its day: kept. Nov 29 13:00 is 23 h old: kept.
        var nov29at1100 = new DateTimeOffset(2026, 11, 29, 11, 0, 0, TimeSpan.Zero);
        var nov29at1300 = nov29at1100.AddHours(2);
        var expired = BackupRetention.Expired([at0800, at1600, at2300, nov29at1100, nov29at1300], Now, Defaults, keepNewest: true);
        // 11:00 is not the newest of Nov 29 (13:00 is), and it is older than 24 h.
        Assert.Equal([nov29at1100, at1600, at0800], expired);
    }

    [Fact]
    public void DailySnapshotsOlderThanThirtyDaysArePruned()
    {
        var daily = Enumerable.Range(1, 40).Select(days => Now.AddDays(-days)).ToList();
        var expired = BackupRetention.Expired(daily, Now, Defaults, keepNewest: true);
        Assert.Equal(daily.Where(at => Now - at >= TimeSpan.FromDays(30)).ToList(), expired);
        Assert.Equal(11, expired.Count);
    }

    [Fact]
    public void ALiveDatabasesNewestSnapshotStaysHoweverOld()
    {
        var old = Now.AddDays(-90);
        Assert.Empty(BackupRetention.Expired([old], Now, Defaults, keepNewest: true));
        // A deleted database's final backup is under the same retention as any other.
        Assert.Equal([old], BackupRetention.Expired([old], Now, Defaults, keepNewest: false));
    }

    [Fact]
    public void RetentionSettingIsReadAndBadOnesAreNamed()
    {
        Assert.Equal((TimeSpan.FromHours(12), TimeSpan.FromDays(7)), BackupOptions.ParseRetention("12h,7d"));
        Assert.Equal((TimeSpan.FromHours(24), TimeSpan.FromDays(30)), BackupOptions.ParseRetention(BackupOptions.DefaultRetention));
        Assert.Null(BackupOptions.ParseRetention("30d"));
        Assert.Null(BackupOptions.ParseRetention("7d,12h"));
        Assert.Null(BackupOptions.ParseRetention("24x,30d"));
        Assert.Null(BackupOptions.ParseRetention("0h,30d"));
    }
}
