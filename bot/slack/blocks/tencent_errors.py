"""One catalogue of Tencent error codes, in words for the person who asked: what each means, and
what to do. (Words are the Slack layer's: the use cases pass the code on as data.)

Every code listed on the CreateRecordTask API page has an entry, plus the common codes a call can
meet (authentication, rate limits, parameters) and the SDK's own transport codes. Lookup falls
back from ``A.B`` to ``A`` so an unlisted sub-code still gets the family's advice.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorAdvice:
    meaning: str
    hint: str


_CATALOGUE: dict[str, ErrorAdvice] = {
    # --- Codes on the CreateRecordTask API page ---------------------------------------------
    "InternalError": ErrorAdvice(
        "Tencent Live had an internal error.",
        "Try again in a minute; if it keeps happening, open a Tencent Cloud ticket with the "
        "RequestId.",
    ),
    "InternalError.GetConfigError": ErrorAdvice(
        "Tencent Live could not read the configuration for this domain or app.",
        "Check the push domain and app in the CSS console (Domain Management), then try again; "
        "if it persists, open a ticket with the RequestId.",
    ),
    "InternalError.NetworkError": ErrorAdvice(
        "Tencent Live had an internal network error.",
        "Try again in a minute; if it persists, open a Tencent Cloud ticket with the RequestId.",
    ),
    "InvalidParameter": ErrorAdvice(
        "Tencent rejected one of the parameters.",
        "Check the stream name, push domain, app name and template id; the message above says "
        "which one.",
    ),
    "LimitExceeded.MaximumRunningTask": ErrorAdvice(
        "The account already runs as many recording tasks at once as it may.",
        "Stop or delete a recording you no longer need (`/record list`), or ask Tencent to raise "
        "the concurrent-task limit.",
    ),
    "ResourceNotFound.ForbidService": ErrorAdvice(
        "Tencent has blocked Live for this account.",
        "The account owner must contact Tencent Cloud support; the bot cannot fix this.",
    ),
    "ResourceNotFound.FreezeService": ErrorAdvice(
        "Live is suspended (frozen) on this account.",
        "The account owner must contact Tencent Cloud support to unfreeze the service.",
    ),
    "ResourceNotFound.StopService": ErrorAdvice(
        "Live is suspended because the account is in arrears.",
        "Top up the Tencent Cloud account to a positive balance; the service resumes, then try "
        "again.",
    ),
    "ResourceNotFound.UserDisableService": ErrorAdvice(
        "Live has been disabled on this account by its owner.",
        "Re-enable Cloud Streaming Services in the Tencent Cloud console, then try again.",
    ),
    "ResourceUnavailable.InvalidVodStatus": ErrorAdvice(
        "VOD (Video on Demand) is not activated, and recordings are stored there.",
        "Activate VOD in the Tencent Cloud console (or have the account owner do it), then try "
        "again.",
    ),
    "UnsupportedOperation": ErrorAdvice(
        "Tencent does not support this operation for this account or stream.",
        "Check that the push domain belongs to this account and uses the new console "
        "(stream-code) mode; open a ticket with the RequestId if unsure.",
    ),
    # --- Related Live codes ----------------------------------------------------------------
    "InvalidParameter.InvalidTaskTime": ErrorAdvice(
        "Tencent rejected the recording window.",
        "The end must be after the start and in the future, at most 24 h after the start and "
        "less than 7 days from now.",
    ),
    "LimitExceeded.MaximumTask": ErrorAdvice(
        "The account has created as many recording tasks today as it may.",
        "Try again tomorrow, or ask Tencent to raise the daily limit.",
    ),
    "LimitExceeded.RateLimitExceeded": ErrorAdvice(
        "Too many requests to Tencent in a short time.",
        "Wait a few seconds and try again.",
    ),
    "ResourceNotFound.DomainNotExist": ErrorAdvice(
        "The push domain does not exist on this account.",
        "Check the domain (`domain=…`) against CSS → Domain Management.",
    ),
    # --- Common codes -------------------------------------------------------------------------
    "AuthFailure": ErrorAdvice(
        "Tencent did not accept the bot's credentials.",
        "An admin should check TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY and the "
        "sub-account's Live permissions.",
    ),
    "AuthFailure.SignatureExpire": ErrorAdvice(
        "Tencent refused the request because the bot's clock is off by more than 5 minutes.",
        "An admin should sync the bot host's clock (NTP), then try again.",
    ),
    "AuthFailure.SecretIdNotFound": ErrorAdvice(
        "Tencent does not know the bot's SecretId (deleted or disabled key).",
        "An admin should create a new API key and update TENCENTCLOUD_SECRET_ID/KEY.",
    ),
    "AuthFailure.SignatureFailure": ErrorAdvice(
        "Tencent says the request signature is wrong.",
        "An admin should check that TENCENTCLOUD_SECRET_KEY belongs to TENCENTCLOUD_SECRET_ID.",
    ),
    "AuthFailure.UnauthorizedOperation": ErrorAdvice(
        "The bot's Tencent sub-account may not create recording tasks.",
        "An admin should grant the sub-account the Live recording permissions in CAM.",
    ),
    "RequestLimitExceeded": ErrorAdvice(
        "Tencent throttled the request (more than 20 a second).",
        "Wait a few seconds and try again.",
    ),
    "MissingParameter": ErrorAdvice(
        "Tencent says a required parameter is missing.",
        "This is a bug in the bot; please report it with the RequestId.",
    ),
    "InvalidParameterValue": ErrorAdvice(
        "Tencent rejected a parameter value.",
        "Check the stream name, push domain, app name and template id.",
    ),
    "UnsupportedRegion": ErrorAdvice(
        "The configured region does not offer recording tasks.",
        "An admin should set TENCENTCLOUD_REGION to a supported region (e.g. ap-guangzhou).",
    ),
    # --- Raised by the SDK itself, not by Tencent ----------------------------------------------
    "ClientNetworkError": ErrorAdvice(
        "The bot could not reach Tencent (network error or timeout).",
        "The bot will check with Tencent whether the task exists before anything is retried.",
    ),
    "ServerNetworkError": ErrorAdvice(
        "Tencent answered with an HTTP error instead of a result.",
        "The bot will check with Tencent whether the task exists before anything is retried.",
    ),
}

_UNKNOWN = ErrorAdvice(
    "Tencent returned an error the bot does not know.",
    "Search the code in Tencent's CSS error-code list, or open a ticket with the RequestId.",
)


def advice_for(code: str) -> ErrorAdvice:
    """The most specific advice for ``code``: exact match, then its family prefix."""
    while code:
        if code in _CATALOGUE:
            return _CATALOGUE[code]
        code = code.rpartition(".")[0]
    return _UNKNOWN


def known_codes() -> frozenset[str]:
    return frozenset(_CATALOGUE)
