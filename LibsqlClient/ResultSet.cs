namespace LibsqlClient;

/// <summary>A result column: its name and declared type (null for an expression).</summary>
public sealed record Column(string? Name, string? DeclType);

/// <summary>What one statement returned.</summary>
public sealed class ResultSet
{
    internal ResultSet(IReadOnlyList<Column> columns, IReadOnlyList<Row> rows, long rowsAffected, long? lastInsertRowId)
    {
        Columns = columns;
        Rows = rows;
        RowsAffected = rowsAffected;
        LastInsertRowId = lastInsertRowId;
    }

    /// <summary>The result's columns, in order.</summary>
    public IReadOnlyList<Column> Columns { get; }

    /// <summary>The rows, in the order the server sent them.</summary>
    public IReadOnlyList<Row> Rows { get; }

    /// <summary>Rows changed by an INSERT, UPDATE or DELETE.</summary>
    public long RowsAffected { get; }

    /// <summary>The rowid of the last inserted row, if the statement inserted one.</summary>
    public long? LastInsertRowId { get; }
}

/// <summary>One row: values by column position or by column name.</summary>
public sealed class Row : IReadOnlyList<LibsqlValue>
{
    private readonly IReadOnlyList<Column> _columns;
    private readonly LibsqlValue[] _values;

    internal Row(IReadOnlyList<Column> columns, LibsqlValue[] values)
    {
        _columns = columns;
        _values = values;
    }

    /// <summary>The number of values.</summary>
    public int Count => _values.Length;

    /// <summary>The value at a column position.</summary>
    public LibsqlValue this[int index] => _values[index];

    /// <summary>The value of the first column with this name (ordinal, case-insensitive as SQLite's names are).</summary>
    public LibsqlValue this[string column]
    {
        get
        {
            for (var i = 0; i < _columns.Count; i++)
            {
                if (string.Equals(_columns[i].Name, column, StringComparison.OrdinalIgnoreCase))
                {
                    return _values[i];
                }
            }

            throw new KeyNotFoundException($"The result has no column '{column}'; it has {string.Join(", ", _columns.Select(c => c.Name))}.");
        }
    }

    /// <inheritdoc/>
    public IEnumerator<LibsqlValue> GetEnumerator() => ((IEnumerable<LibsqlValue>)_values).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
