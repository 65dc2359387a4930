using System.Globalization;
using StackExchange.Redis;

namespace Tenancy.Identity;

/// <summary>One rotation as it travels on <c>tokens:rotated</c>: <c>{milliseconds} {scope}</c>.</summary>
/// <param name="Scope">The rotation scope, <c>database:{name}</c> or <c>group:{name}</c>.</param>
/// <param name="NotBeforeMilliseconds">Tokens of the scope issued before this Unix millisecond are revoked.</param>
public readonly record struct TokenRotationMessage(string Scope, long NotBeforeMilliseconds)
{
    /// <summary>The message text.</summary>
    /// <returns><c>{milliseconds} {scope}</c>.</returns>
    public override string ToString() => NotBeforeMilliseconds.ToString(CultureInfo.InvariantCulture) + " " + Scope;

    /// <summary>Reads a message; false for anything else on the channel.</summary>
    /// <param name="value">The message.</param>
    /// <param name="message">The rotation.</param>
    /// <returns>Whether it was one.</returns>
    public static bool TryParse(RedisValue value, out TokenRotationMessage message)
    {
        message = default;
        var text = value.IsNullOrEmpty ? null : (string?)value;
        var space = text?.IndexOf(' ', StringComparison.Ordinal) ?? -1;
        if (space <= 0 || space == text!.Length - 1
            || !long.TryParse(text.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var instant))
        {
            return false;
        }

        message = new TokenRotationMessage(text[(space + 1)..], instant);
        return true;
    }
}
