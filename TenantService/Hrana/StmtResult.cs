namespace TenantService.Hrana;

/// <summary>A result column: its name and declared type (null for expressions).</summary>
internal readonly record struct ResultColumn(string? Name, string? DeclType);

/// <summary>
/// A statement's result. <see cref="RowsRead"/> is an approximation: rows returned plus rows stepped in full
/// scans (SQLite has no per-statement rows-read counter); <see cref="RowsWritten"/> counts every row changed,
/// triggers and foreign-key actions included.
/// </summary>
internal sealed record StmtResult(
    IReadOnlyList<ResultColumn> Columns,
    IReadOnlyList<HranaValue[]> Rows,
    long AffectedRowCount,
    long? LastInsertRowid,
    long RowsRead,
    long RowsWritten,
    double DurationMs);

/// <summary>What <c>describe</c> learns from preparing a statement without running it.</summary>
internal sealed record DescribeResult(IReadOnlyList<string?> Parameters, IReadOnlyList<ResultColumn> Columns, bool IsExplain, bool IsReadOnly);

/// <summary>A batch's outcome: per step a result, an error, or neither when the step was skipped.</summary>
internal sealed record BatchResult(IReadOnlyList<StmtResult?> StepResults, IReadOnlyList<HranaError?> StepErrors);
