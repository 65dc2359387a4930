namespace TenantService.Hrana;

/// <summary>A batch step's condition: <c>ok</c>, <c>error</c>, <c>not</c>, <c>and</c>, <c>or</c>, <c>is_autocommit</c>.</summary>
internal abstract record BatchCondition
{
    /// <summary>Evaluates the condition; <paramref name="outcomes"/> holds true (ok), false (error) or null (skipped) per earlier step.</summary>
    public abstract bool Evaluate(IReadOnlyList<bool?> outcomes, bool isAutocommit);

    public sealed record Ok(int Step) : BatchCondition
    {
        public override bool Evaluate(IReadOnlyList<bool?> outcomes, bool isAutocommit) => Step < outcomes.Count && outcomes[Step] == true;
    }

    public sealed record Error(int Step) : BatchCondition
    {
        public override bool Evaluate(IReadOnlyList<bool?> outcomes, bool isAutocommit) => Step < outcomes.Count && outcomes[Step] == false;
    }

    public sealed record Not(BatchCondition Condition) : BatchCondition
    {
        public override bool Evaluate(IReadOnlyList<bool?> outcomes, bool isAutocommit) => !Condition.Evaluate(outcomes, isAutocommit);
    }

    public sealed record And(IReadOnlyList<BatchCondition> Conditions) : BatchCondition
    {
        public override bool Evaluate(IReadOnlyList<bool?> outcomes, bool isAutocommit) => Conditions.All(c => c.Evaluate(outcomes, isAutocommit));
    }

    public sealed record Or(IReadOnlyList<BatchCondition> Conditions) : BatchCondition
    {
        public override bool Evaluate(IReadOnlyList<bool?> outcomes, bool isAutocommit) => Conditions.Any(c => c.Evaluate(outcomes, isAutocommit));
    }

    public sealed record IsAutocommit : BatchCondition
    {
        public override bool Evaluate(IReadOnlyList<bool?> outcomes, bool isAutocommit) => isAutocommit;
    }
}
