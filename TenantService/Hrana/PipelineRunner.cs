namespace TenantService.Hrana;

/// <summary>
/// Runs a pipeline's requests in order on one stream. A failed request becomes an error entry and the
/// next request still runs, as the protocol requires; after <c>close</c>, later requests fail. Once a statement was
/// stopped at a response limit, later requests that run SQL (and later batch steps) fail without running:
/// <c>close</c>, <c>store_sql</c>, <c>close_sql</c> and <c>get_autocommit</c> still work.
/// </summary>
internal sealed class PipelineRunner(StatementExecutor executor, HranaOptions options)
{
    public async ValueTask<IReadOnlyList<StreamOutcome>> RunAsync(
        HranaStream stream, IReadOnlyList<StreamRequest> requests, bool version3, ResponseBudget budget, CancellationToken cancellationToken)
    {
        var outcomes = new StreamOutcome[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                outcomes[i] = new StreamOutcome(await HandleAsync(stream, requests[i], version3, budget, cancellationToken), null);
            }
            catch (HranaRequestException exception)
            {
                outcomes[i] = new StreamOutcome(null, exception.Error);
            }
        }

        return outcomes;
    }

    public async ValueTask<BatchResult> RunBatchAsync(HranaStream stream, IReadOnlyList<BatchStep> steps, ResponseBudget budget, CancellationToken cancellationToken)
    {
        var outcomes = new List<bool?>(steps.Count);
        var results = new StmtResult?[steps.Count];
        var errors = new HranaError?[steps.Count];
        for (var i = 0; i < steps.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var step = steps[i];
            if (step.Condition is { } condition && !condition.Evaluate(outcomes, stream.IsAutocommit))
            {
                outcomes.Add(null);
                continue;
            }

            if (budget.IsSpent)
            {
                errors[i] = budget.NotRun();
                outcomes.Add(false);
                continue;
            }

            try
            {
                results[i] = await executor.ExecuteAsync(stream, step.Statement, budget, cancellationToken);
                outcomes.Add(true);
            }
            catch (HranaRequestException exception)
            {
                errors[i] = exception.Error;
                outcomes.Add(false);
            }
        }

        return new BatchResult(results, errors);
    }

    private async ValueTask<StreamResponse> HandleAsync(HranaStream stream, StreamRequest request, bool version3, ResponseBudget budget, CancellationToken cancellationToken)
    {
        if (stream.IsClosed)
        {
            throw new HranaRequestException("The stream was closed by an earlier 'close' request of this pipeline.", HranaErrorCodes.StreamClosed);
        }

        if (budget.IsSpent && request is ExecuteRequest or BatchRequest or SequenceRequest or DescribeRequest)
        {
            throw new HranaRequestException(budget.NotRun());
        }

        switch (request)
        {
            case CloseRequest:
                stream.Close();
                return new StreamResponse(request.Type);
            case ExecuteRequest execute:
                return new StreamResponse(request.Type, Result: await executor.ExecuteAsync(stream, execute.Statement, budget, cancellationToken));
            case BatchRequest batch:
                return new StreamResponse(request.Type, Batch: await RunBatchAsync(stream, batch.Steps, budget, cancellationToken));
            case SequenceRequest sequence:
                await executor.SequenceAsync(stream, stream.ResolveSql(sequence.Sql, sequence.SqlId), cancellationToken);
                return new StreamResponse(request.Type);
            case DescribeRequest describe:
                return new StreamResponse(request.Type, Describe: executor.Describe(stream, stream.ResolveSql(describe.Sql, describe.SqlId)));
            case StoreSqlRequest store:
                if (stream.StoredSql.ContainsKey(store.SqlId))
                {
                    throw new HranaRequestException($"sql_id {store.SqlId} is already in use on this stream; close_sql it first.", HranaErrorCodes.SqlExists);
                }

                if (stream.StoredSql.Count >= options.MaxStoredSql)
                {
                    throw new HranaRequestException($"The stream already stores {stream.StoredSql.Count} SQL texts, its limit; close_sql some first.", HranaErrorCodes.SqlStoreTooMany);
                }

                stream.StoredSql[store.SqlId] = store.Sql;
                return new StreamResponse(request.Type);
            case CloseSqlRequest close:
                stream.StoredSql.Remove(close.SqlId);
                return new StreamResponse(request.Type);
            case GetAutocommitRequest when !version3:
                throw new HranaRequestException("The 'get_autocommit' request needs Hrana 3: use the v3/pipeline endpoint.", HranaErrorCodes.ProtocolError);
            case GetAutocommitRequest:
                return new StreamResponse(request.Type, IsAutocommit: stream.IsAutocommit);
            default:
                throw new HranaRequestException($"The request type '{request.Type}' is not supported.", HranaErrorCodes.ProtocolError);
        }
    }
}
