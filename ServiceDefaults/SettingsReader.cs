using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Reads settings by the names users set them with (environment variables such as <c>HRANA_MAX_STREAMS</c>, or
/// <c>Tenancy__StatementTimeout</c> for a key of a section), collecting every bad value instead of stopping at the
/// first. An unset or blank setting keeps its default; a bad one is a problem that names the setting, the value and
/// what is allowed, and the default is returned only so that reading can go on. Used through
/// <see cref="SettingsExtensions.AddSettings{T}"/>, which stops the service at start if any problem was found.
/// </summary>
public sealed class SettingsReader
{
    private const int ShownValueLength = 40;

    /// <summary>The longest time <see cref="Duration"/> accepts unless told otherwise: what timers and SQLite take in milliseconds (about 24.8 days).</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMilliseconds(int.MaxValue);

    private readonly IConfiguration _configuration;
    private readonly List<string> _problems = [];

    /// <summary>Creates a reader over the service's configuration (environment variables included).</summary>
    /// <param name="configuration">The configuration.</param>
    public SettingsReader(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _configuration = configuration;
    }

    /// <summary>Every problem found so far, each naming its setting and what is allowed.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>The trimmed text of a setting.</summary>
    /// <param name="name">The setting, as users set it.</param>
    /// <returns>The text, or null when unset or blank.</returns>
    public string? Text(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        // Environment variables spell a section's key Section__Key; configuration keys use ':'.
        var value = _configuration[name.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary>The trimmed text of a setting, or <paramref name="defaultValue"/> when unset or blank.</summary>
    /// <param name="name">The setting, as users set it.</param>
    /// <param name="defaultValue">The value when unset.</param>
    /// <returns>The text.</returns>
    public string Text(string name, string defaultValue) => Text(name) ?? defaultValue;

    /// <summary>A file or folder path, made absolute against the current directory.</summary>
    /// <param name="name">The setting, as users set it.</param>
    /// <param name="defaultValue">The path when unset, relative to the current directory or absolute.</param>
    /// <returns>The absolute path, or that of <paramref name="defaultValue"/> when unset or bad.</returns>
    public string FullPath(string name, string defaultValue)
    {
        if (Text(name) is not { } value)
        {
            return Path.GetFullPath(defaultValue);
        }

        try
        {
            return Path.GetFullPath(value);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            AddProblem(name, value, "set a file system path", defaultValue);
            return Path.GetFullPath(defaultValue);
        }
    }

    /// <summary>A whole number from <paramref name="minimum"/> to <paramref name="maximum"/>.</summary>
    /// <param name="name">The setting, as users set it.</param>
    /// <param name="defaultValue">The value when unset.</param>
    /// <param name="minimum">The smallest allowed value.</param>
    /// <param name="maximum">The largest allowed value.</param>
    /// <returns>The number, or <paramref name="defaultValue"/> when unset or bad.</returns>
    public int Number(string name, int defaultValue, int minimum, int maximum = int.MaxValue) =>
        (int)Number(name, (long)defaultValue, minimum, maximum);

    /// <summary>A whole number from <paramref name="minimum"/> to <paramref name="maximum"/>.</summary>
    /// <param name="name">The setting, as users set it.</param>
    /// <param name="defaultValue">The value when unset.</param>
    /// <param name="minimum">The smallest allowed value.</param>
    /// <param name="maximum">The largest allowed value.</param>
    /// <returns>The number, or <paramref name="defaultValue"/> when unset or bad.</returns>
    public long Number(string name, long defaultValue, long minimum, long maximum = long.MaxValue) =>
        Whole(name, defaultValue, minimum, maximum, "a whole number");

    /// <summary>A time given in whole milliseconds, from <paramref name="minimum"/> to <paramref name="maximum"/> of them.</summary>
    /// <param name="name">The setting, as users set it (by convention ending in <c>_MS</c>).</param>
    /// <param name="defaultValue">The value when unset.</param>
    /// <param name="minimum">The fewest milliseconds allowed.</param>
    /// <param name="maximum">The most milliseconds allowed.</param>
    /// <returns>The time, or <paramref name="defaultValue"/> when unset or bad.</returns>
    public TimeSpan Milliseconds(string name, TimeSpan defaultValue, long minimum, long maximum = int.MaxValue) =>
        TimeSpan.FromMilliseconds(Whole(name, (long)defaultValue.TotalMilliseconds, minimum, maximum, "a whole number of milliseconds"));

    /// <summary>A time written <c>[d.]hh:mm:ss[.fff]</c>, from <paramref name="minimum"/> to <paramref name="maximum"/>.</summary>
    /// <param name="name">The setting, as users set it.</param>
    /// <param name="defaultValue">The value when unset.</param>
    /// <param name="minimum">The shortest time allowed.</param>
    /// <param name="maximum">The longest time allowed; default <see cref="MaxDuration"/>.</param>
    /// <returns>The time, or <paramref name="defaultValue"/> when unset or bad.</returns>
    public TimeSpan Duration(string name, TimeSpan defaultValue, TimeSpan minimum, TimeSpan? maximum = null)
    {
        var longest = maximum ?? MaxDuration;
        if (Text(name) is not { } value)
        {
            return defaultValue;
        }

        if (TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var parsed) && parsed >= minimum && parsed <= longest)
        {
            return parsed;
        }

        AddProblem(name, value, $"set a time written hh:mm:ss[.fff] from {Show(minimum)} to {Show(longest)}", Show(defaultValue));
        return defaultValue;
    }

    /// <summary>A flag: <c>true</c> or <c>false</c> (any case).</summary>
    /// <param name="name">The setting, as users set it.</param>
    /// <param name="defaultValue">The value when unset.</param>
    /// <returns>The flag, or <paramref name="defaultValue"/> when unset or bad.</returns>
    public bool Flag(string name, bool defaultValue)
    {
        if (Text(name) is not { } value)
        {
            return defaultValue;
        }

        if (bool.TryParse(value, out var parsed))
        {
            return parsed;
        }

        AddProblem(name, value, "set true or false", defaultValue ? "true" : "false");
        return defaultValue;
    }

    /// <summary>A value of a type with its own rule, such as a database name.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="name">The setting, as users set it.</param>
    /// <param name="defaultValue">The value when unset.</param>
    /// <param name="parse">Turns the text into a value, or null when it breaks the rule.</param>
    /// <param name="rule">The rule, worded for the message: "a database name is ...".</param>
    /// <returns>The value, or <paramref name="defaultValue"/> when unset or bad.</returns>
    public T Parsed<T>(string name, T defaultValue, Func<string, T?> parse, string rule) where T : struct
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (Text(name) is not { } value)
        {
            return defaultValue;
        }

        if (parse(value) is { } parsed)
        {
            return parsed;
        }

        AddProblem(name, value, rule, defaultValue.ToString() ?? string.Empty);
        return defaultValue;
    }

    /// <summary>Adds a problem worded by the caller (a rule across settings, or a secret whose value must not be shown).</summary>
    /// <param name="problem">What is wrong, naming the setting and the fix.</param>
    public void AddProblem(string problem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(problem);
        _problems.Add(problem);
    }

    private long Whole(string name, long defaultValue, long minimum, long maximum, string what)
    {
        if (Text(name) is not { } value)
        {
            return defaultValue;
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) && parsed >= minimum && parsed <= maximum)
        {
            return parsed;
        }

        AddProblem(name, value, string.Create(CultureInfo.InvariantCulture, $"set {what} from {minimum} to {maximum}"), defaultValue.ToString(CultureInfo.InvariantCulture));
        return defaultValue;
    }

    private void AddProblem(string name, string value, string allowed, string defaultText)
    {
        var shown = value.Length > ShownValueLength ? value[..ShownValueLength] + "..." : value;
        _problems.Add($"{name} is '{shown}': {allowed}, or unset it for the default ({defaultText})");
    }

    // 00:00:02, 00:00:00.250, 24.20:31:23.647: as a user would write them, without ticks below a millisecond.
    private static string Show(TimeSpan time) => time.ToString(
        (time.Days > 0 ? @"d\." : "") + @"hh\:mm\:ss" + (time.Milliseconds > 0 ? @"\.fff" : ""), CultureInfo.InvariantCulture);
}
