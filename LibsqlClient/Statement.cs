namespace LibsqlClient;

/// <summary>
/// One SQL statement and its arguments: positional (<c>?</c>, <c>?1</c>) or named (<c>:a</c>, <c>@a</c>, <c>$a</c>; a name may be
/// given with or without its prefix). A string converts to an argument-less statement.
/// </summary>
public sealed record Statement
{
    /// <summary>A statement with positional arguments.</summary>
    public Statement(string sql, params IReadOnlyList<LibsqlValue> args)
    {
        ArgumentNullException.ThrowIfNull(sql);
        Sql = sql;
        Args = args;
    }

    /// <summary>A statement with named arguments.</summary>
    public Statement(string sql, IReadOnlyDictionary<string, LibsqlValue> namedArgs)
    {
        ArgumentNullException.ThrowIfNull(sql);
        Sql = sql;
        Args = [];
        NamedArgs = namedArgs;
    }

    /// <summary>The SQL text: one statement.</summary>
    public string Sql { get; }

    /// <summary>Positional arguments, in order.</summary>
    public IReadOnlyList<LibsqlValue> Args { get; }

    /// <summary>Named arguments, or null.</summary>
    public IReadOnlyDictionary<string, LibsqlValue>? NamedArgs { get; }

    /// <summary>
    /// True when the statement only reads, judged from its text: it starts with <c>SELECT</c>. Only such statements are
    /// ever resent after a transport failure.
    /// </summary>
    public bool IsRead => Sql.AsSpan().TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase);

    /// <summary>An argument-less statement.</summary>
    public static Statement FromString(string sql) => new(sql);

    /// <inheritdoc cref="FromString"/>
    public static implicit operator Statement(string sql) => FromString(sql);
}
