namespace LibsqlClient.Hrana;

/// <summary>One stream request of a pipeline: <c>execute</c>, <c>batch</c> or <c>close</c>.</summary>
internal abstract record PipelineRequest
{
    public static readonly PipelineRequest Close = new CloseRequest();

    /// <summary>True when sending it twice does no harm: every statement reads.</summary>
    public abstract bool IsRead { get; }

    public sealed record Execute(Statement Statement) : PipelineRequest
    {
        public override bool IsRead => Statement.IsRead;
    }

    public sealed record RunBatch(Batch Batch) : PipelineRequest
    {
        public override bool IsRead => Batch.Steps.All(step => step.Statement.IsRead);
    }

    public sealed record CloseRequest : PipelineRequest
    {
        public override bool IsRead => true;
    }
}

/// <summary>A pipeline's answer: the stream's next baton and URL, and per request its result or its error.</summary>
internal sealed record PipelineResponse(string? Baton, string? BaseUrl, object?[] Results)
{
    /// <summary>The result of request <paramref name="index"/>, or its error thrown.</summary>
    public T Result<T>(int index) where T : class =>
        Results[index] switch
        {
            LibsqlSqlException error => throw error,
            T result => result,
            var other => throw new LibsqlException("PROTOCOL_ERROR", $"The server answered request {index} with {other?.GetType().Name ?? "nothing"}, not a {typeof(T).Name}."),
        };

    /// <summary>Throws the error of request <paramref name="index"/>, if it failed.</summary>
    public void ThrowIfFailed(int index)
    {
        if (Results[index] is LibsqlSqlException error)
        {
            throw error;
        }
    }
}
