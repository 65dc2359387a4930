using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace TodoService.Todos;

/// <summary>Where the next page starts: the (created_at, id) of the last todo shown, opaque to clients.</summary>
internal readonly record struct TodoCursor(string CreatedAt, long Id)
{
    public string Encode() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{CreatedAt}|{Id}"));

    public static bool TryDecode(string value, [NotNullWhen(true)] out TodoCursor? cursor)
    {
        cursor = null;
        if (value.Length > 200 || !Base64Url.IsValid(value))
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(value));
        var separator = text.LastIndexOf('|');
        if (separator <= 0 || !long.TryParse(text.AsSpan(separator + 1), System.Globalization.CultureInfo.InvariantCulture, out var id))
        {
            return false;
        }

        cursor = new TodoCursor(text[..separator], id);
        return true;
    }
}
