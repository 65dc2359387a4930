namespace TenantService.Hrana;

/// <summary>A <c>Stmt</c>: SQL text or a stored SQL id, positional and named arguments, and whether rows are wanted.</summary>
internal sealed record HranaStatement(
    string? Sql,
    int? SqlId,
    IReadOnlyList<HranaValue> Args,
    IReadOnlyList<KeyValuePair<string, HranaValue>> NamedArgs,
    bool WantRows);
