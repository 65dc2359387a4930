using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace TenantService.Migrations;

/// <summary>
/// The SQL of a migration, split into statements by SQLite's own tokenizer (<c>sqlite3_complete</c>), so
/// semicolons inside strings, comments and trigger bodies never split a statement. One outer
/// <c>BEGIN ... COMMIT</c>, as migration tools send it, is taken off: every database runs the statements in
/// the platform's own transaction. Any other transaction control is refused, since it would escape it.
/// </summary>
internal sealed class MigrationScript
{
    private static readonly HashSet<string> TransactionControl = new(StringComparer.OrdinalIgnoreCase)
    {
        "BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE",
    };

    static MigrationScript()
    {
        // SqliteConnection's static constructor loads the native library that sqlite3_complete lives in.
        using var initialise = new SqliteConnection();
    }

    private MigrationScript(IReadOnlyList<string> statements)
    {
        Statements = statements;
        Sql = string.Join("\n", statements);
    }

    /// <summary>The statements, each ending with its semicolon, outer transaction removed.</summary>
    public IReadOnlyList<string> Statements { get; }

    /// <summary>The statements as one text, what each database runs.</summary>
    public string Sql { get; }

    /// <summary>Splits and checks <paramref name="sql"/>; <paramref name="problem"/> says what is wrong when it returns null.</summary>
    public static MigrationScript? TryParse(string? sql, out string problem)
    {
        problem = string.Empty;
        if (string.IsNullOrWhiteSpace(sql))
        {
            problem = "'sql' is required: one or more SQL statements to apply to the schema database and its children.";
            return null;
        }

        var statements = new List<string>();
        if (!Split(sql, statements, out problem))
        {
            return null;
        }

        var keywords = statements.Select(LeadingKeywords).ToList();
        if (statements.Count > 0 && IsBegin(keywords[0]))
        {
            if (statements.Count < 2 || !IsCommit(keywords[^1]))
            {
                problem = "'sql' starts with BEGIN but does not end with COMMIT (or END): send the whole transaction, or no transaction control at all.";
                return null;
            }

            statements.RemoveAt(statements.Count - 1);
            statements.RemoveAt(0);
            keywords.RemoveAt(keywords.Count - 1);
            keywords.RemoveAt(0);
        }

        for (var index = 0; index < statements.Count; index++)
        {
            if (keywords[index] is [var first, ..] && TransactionControl.Contains(first))
            {
                problem = $"statement {index + 1} ({Shorten(statements[index])}) controls the transaction: a migration runs in one transaction per database, "
                    + "so only one outer BEGIN ... COMMIT around the whole script is accepted; nested or inner BEGIN, COMMIT, END, ROLLBACK, SAVEPOINT and RELEASE are not.";
                return null;
            }
        }

        if (statements.Count == 0)
        {
            problem = "'sql' holds no statements (only comments, whitespace or an empty transaction).";
            return null;
        }

        return new MigrationScript(statements);
    }

    /// <summary>Cuts the text after each semicolon at which SQLite says a statement is complete.</summary>
    private static bool Split(string sql, List<string> statements, out string problem)
    {
        problem = string.Empty;
        var start = 0;
        var semicolon = NextSemicolonOutsideQuotes(sql, 0);
        while (semicolon >= 0)
        {
            // SQLite decides: a semicolon inside a trigger body does not end the CREATE TRIGGER.
            var candidate = sql[start..(semicolon + 1)];
            if (raw.sqlite3_complete(candidate) != 0)
            {
                AddIfStatement(candidate, statements);
                start = semicolon + 1;
            }

            semicolon = NextSemicolonOutsideQuotes(sql, semicolon + 1);
        }

        var rest = sql[start..];
        if (LeadingKeywords(rest).Count == 0)
        {
            return true;
        }

        // The last statement may lack its semicolon; with one added it must be whole.
        if (raw.sqlite3_complete(rest + ";") == 0)
        {
            problem = $"'sql' ends inside a statement ({Shorten(rest)}): an unclosed string, comment or trigger body (CREATE TRIGGER ... BEGIN ... END;).";
            return false;
        }

        AddIfStatement(rest.TrimEnd() + ";", statements);
        return true;
    }

    /// <summary>
    /// The next semicolon that is not inside a string, quoted name or comment: only those can end a statement, so
    /// SQLite is asked about a handful of places rather than every semicolon of a long string (which would be quadratic).
    /// </summary>
    private static int NextSemicolonOutsideQuotes(string sql, int from)
    {
        var i = from;
        while (i < sql.Length)
        {
            var c = sql[i];
            int end;
            switch (c)
            {
                case ';':
                    return i;
                case '\'' or '"' or '`':
                    // A doubled quote is the quote itself; the scan simply goes on to the next one.
                    end = sql.IndexOf(c, i + 1);
                    i = end < 0 ? sql.Length : end + 1;
                    break;
                case '[':
                    end = sql.IndexOf(']', i + 1);
                    i = end < 0 ? sql.Length : end + 1;
                    break;
                case '-' when i + 1 < sql.Length && sql[i + 1] == '-':
                    end = sql.IndexOf('\n', i + 2);
                    i = end < 0 ? sql.Length : end + 1;
                    break;
                case '/' when i + 1 < sql.Length && sql[i + 1] == '*':
                    end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                    i = end < 0 ? sql.Length : end + 2;
                    break;
                default:
                    i++;
                    break;
            }
        }

        return -1;
    }

    private static void AddIfStatement(string text, List<string> statements)
    {
        // A lone ';' or a comment is complete to SQLite but is no statement.
        if (LeadingKeywords(text).Count > 0)
        {
            statements.Add(text.Trim());
        }
    }

    private static bool IsBegin(IReadOnlyList<string> words) => words switch
    {
        ["BEGIN"] or ["BEGIN", "TRANSACTION"] => true,
        ["BEGIN", "DEFERRED" or "IMMEDIATE" or "EXCLUSIVE"] => true,
        ["BEGIN", "DEFERRED" or "IMMEDIATE" or "EXCLUSIVE", "TRANSACTION"] => true,
        // SQLite accepts and ignores a transaction name.
        ["BEGIN", "TRANSACTION", _] or ["BEGIN", "DEFERRED" or "IMMEDIATE" or "EXCLUSIVE", "TRANSACTION", _] => true,
        _ => false,
    };

    private static bool IsCommit(IReadOnlyList<string> words) => words is ["COMMIT" or "END"] or ["COMMIT" or "END", "TRANSACTION"] or ["COMMIT" or "END", "TRANSACTION", _];

    /// <summary>Up to the first four words of a statement, upper case, with comments skipped; empty for no statement.</summary>
    internal static IReadOnlyList<string> LeadingKeywords(string text)
    {
        var words = new List<string>(4);
        var i = 0;
        while (i < text.Length && words.Count < 4)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c) || c == ';')
            {
                i++;
            }
            else if (c == '-' && i + 1 < text.Length && text[i + 1] == '-')
            {
                var end = text.IndexOf('\n', i);
                i = end < 0 ? text.Length : end + 1;
            }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? text.Length : end + 2;
            }
            else if (char.IsAsciiLetterOrDigit(c) || c == '_')
            {
                var word = new StringBuilder();
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    word.Append(char.ToUpperInvariant(text[i++]));
                }

                words.Add(word.ToString());
            }
            else
            {
                // Anything else (a quote, a bracket, an operator) ends the keywords.
                words.Add(c.ToString());
                break;
            }
        }

        return words;
    }

    private static string Shorten(string statement)
    {
        var line = string.Join(' ', statement.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= 60 ? $"'{line}'" : $"'{line[..60]}...'";
    }
}
