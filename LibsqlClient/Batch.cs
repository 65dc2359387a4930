namespace LibsqlClient;

/// <summary>
/// Statements the server runs in order in one request, each only if its condition holds. Steps are numbered from 0
/// in the order they were added. Use it for multi-statement work that must not interleave with a round trip.
/// </summary>
public sealed class Batch
{
    private readonly List<BatchStep> _steps = [];

    /// <summary>The steps, in order.</summary>
    public IReadOnlyList<BatchStep> Steps => _steps;

    /// <summary>Adds a step and returns its number, for later conditions.</summary>
    public int Add(Statement statement, BatchCondition? condition = null)
    {
        _steps.Add(new BatchStep(statement, condition));
        return _steps.Count - 1;
    }
}

/// <summary>One batch step: a statement and the condition under which it runs (null: always).</summary>
public sealed record BatchStep(Statement Statement, BatchCondition? Condition);

/// <summary>When a batch step runs: after another step succeeded or failed, combinations of those, or outside a transaction.</summary>
public abstract record BatchCondition
{
    private BatchCondition()
    {
    }

    /// <summary>Step <paramref name="Step"/> ran and succeeded.</summary>
    public sealed record Ok(int Step) : BatchCondition;

    /// <summary>Step <paramref name="Step"/> ran and failed.</summary>
    public sealed record Error(int Step) : BatchCondition;

    /// <summary>The inner condition is false.</summary>
    public sealed record Not(BatchCondition Condition) : BatchCondition;

    /// <summary>Every inner condition is true (true when empty).</summary>
    public sealed record And(params IReadOnlyList<BatchCondition> Conditions) : BatchCondition;

    /// <summary>Any inner condition is true (false when empty).</summary>
    public sealed record Or(params IReadOnlyList<BatchCondition> Conditions) : BatchCondition;

    /// <summary>The stream is in autocommit mode (no open transaction). Needs Hrana version 3.</summary>
    public sealed record IsAutocommit : BatchCondition;
}

/// <summary>What a batch did: per step, its result (null if it failed or did not run) and its error (null if it did not fail).</summary>
public sealed class BatchResult
{
    internal BatchResult(IReadOnlyList<ResultSet?> stepResults, IReadOnlyList<LibsqlSqlException?> stepErrors)
    {
        StepResults = stepResults;
        StepErrors = stepErrors;
    }

    /// <summary>Per step: its result, or null when it failed or its condition was false.</summary>
    public IReadOnlyList<ResultSet?> StepResults { get; }

    /// <summary>Per step: the error it failed with, or null.</summary>
    public IReadOnlyList<LibsqlSqlException?> StepErrors { get; }
}
