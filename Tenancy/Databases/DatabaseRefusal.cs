namespace Tenancy.Databases;

/// <summary>A guard's refusal, explained: what the caller can branch on and a message for the client.</summary>
/// <param name="Reason">Which guard refused.</param>
/// <param name="Message">What happened and what to do instead, for the client.</param>
public sealed record DatabaseRefusal(DatabaseRefusalReason Reason, string Message);
