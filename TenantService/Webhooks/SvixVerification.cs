namespace TenantService.Webhooks;

/// <summary>Why a delivery's signature was accepted or refused.</summary>
internal enum SvixVerification
{
    Valid,
    SecretNotConfigured,
    MissingHeaders,
    InvalidTimestamp,
    TimestampTooOld,
    TimestampTooNew,
    NoMatchingSignature,
}
