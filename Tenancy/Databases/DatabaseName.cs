using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Tenancy.Databases;

/// <summary>
/// A validated database name: 1-64 characters of <c>a-z</c>, <c>0-9</c> and <c>-</c>,
/// not starting or ending with <c>-</c>. Safe to use as a file name and in a URL path.
/// </summary>
[JsonConverter(typeof(DatabaseNameJsonConverter))]
public readonly record struct DatabaseName
{
    /// <summary>The naming rule, worded for error messages.</summary>
    public const string Rule =
        "a database name is 1-64 characters of a-z, 0-9 and '-', not starting or ending with '-'";

    /// <summary>The longest allowed name.</summary>
    public const int MaxLength = 64;

    private readonly string? _value;

    private DatabaseName(string value) => _value = value;

    /// <summary>The name as text (empty for <c>default</c>).</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>Validates <paramref name="value"/> against <see cref="Rule"/>.</summary>
    /// <param name="value">The candidate name.</param>
    /// <param name="name">The name when valid, otherwise <c>default</c>.</param>
    /// <param name="error">Why the value was refused, naming it and the rule; empty when valid.</param>
    /// <returns><c>true</c> when the value is a valid name.</returns>
    public static bool TryCreate([NotNullWhen(true)] string? value, out DatabaseName name, out string error)
    {
        if (IsValid(value))
        {
            name = new DatabaseName(value!);
            error = string.Empty;
            return true;
        }

        name = default;
        error = value is null
            ? $"A database name is required: {Rule}."
            : $"'{Shorten(value)}' is not a valid database name: {Rule}.";
        return false;
    }

    /// <summary>Creates a name, throwing when <paramref name="value"/> breaks <see cref="Rule"/>.</summary>
    /// <param name="value">The candidate name.</param>
    /// <returns>The validated name.</returns>
    /// <exception cref="ArgumentException">The value breaks the rule; the message names it and the rule.</exception>
    public static DatabaseName Parse(string value) =>
        TryCreate(value, out var name, out var error) ? name : throw new ArgumentException(error, nameof(value));

    /// <summary>Returns the name as text.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Value;

    private static bool IsValid(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength || value[0] == '-' || value[^1] == '-')
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                return false;
            }
        }

        return true;
    }

    // Keeps error messages readable when someone sends a megabyte as a name.
    private static string Shorten(string value) => value.Length <= 100 ? value : string.Concat(value.AsSpan(0, 100), "...");
}
