"""One catalogue of Tencent error codes, in words for the person who asked: what each means, and
what to do. (Words are the Slack layer's: the use cases pass the code on as data.)

Every code listed on the CreateRecordTask API page has an entry, plus the common codes a call can
meet (authentication, rate limits, parameters) and the SDK's own transport codes. Lookup falls
back from ``A.B`` to ``A`` so an unlisted sub-code still gets the family's advice.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.slack.i18n import N_, Mrkdwn, Tr


@dataclass(frozen=True)
class ErrorAdvice:
    """English message ids (translated when said: ``advice_for``)."""

    meaning: str
    hint: str


_CATALOGUE: dict[str, ErrorAdvice] = {
    # --- Codes on the CreateRecordTask API page ---------------------------------------------
    "InternalError": ErrorAdvice(
        N_("Tencent Live had an internal error."),
        N_(
            "Try again in a minute; if it keeps happening, open a Tencent Cloud ticket with the "
            "RequestId."
        ),
    ),
    "InternalError.GetConfigError": ErrorAdvice(
        N_("Tencent Live could not read the configuration for this domain or app."),
        N_(
            "Check the push domain and app in the CSS console (Domain Management), then try again; "
            "if it persists, open a ticket with the RequestId."
        ),
    ),
    "InternalError.NetworkError": ErrorAdvice(
        N_("Tencent Live had an internal network error."),
        N_(
            "Try again in a minute; if it persists, open a Tencent Cloud ticket with the RequestId."
        ),
    ),
    "InvalidParameter": ErrorAdvice(
        N_("Tencent rejected one of the parameters."),
        N_(
            "Check the stream name, push domain, app name and template id; the message above says "
            "which one."
        ),
    ),
    "LimitExceeded.MaximumRunningTask": ErrorAdvice(
        N_("The account already runs as many recording tasks at once as it may."),
        N_(
            "Stop or delete a recording you no longer need (`/record list`), or ask Tencent to "
            "raise the concurrent-task limit."
        ),
    ),
    "ResourceNotFound.ForbidService": ErrorAdvice(
        N_("Tencent has blocked Live for this account."),
        N_("The account owner must contact Tencent Cloud support; the bot cannot fix this."),
    ),
    "ResourceNotFound.FreezeService": ErrorAdvice(
        N_("Live is suspended (frozen) on this account."),
        N_("The account owner must contact Tencent Cloud support to unfreeze the service."),
    ),
    "ResourceNotFound.StopService": ErrorAdvice(
        N_("Live is suspended because the account is in arrears."),
        N_(
            "Top up the Tencent Cloud account to a positive balance; the service resumes, then try "
            "again."
        ),
    ),
    "ResourceNotFound.UserDisableService": ErrorAdvice(
        N_("Live has been disabled on this account by its owner."),
        N_("Re-enable Cloud Streaming Services in the Tencent Cloud console, then try again."),
    ),
    "ResourceUnavailable.InvalidVodStatus": ErrorAdvice(
        N_("VOD (Video on Demand) is not activated, and recordings are stored there."),
        N_(
            "Activate VOD in the Tencent Cloud console (or have the account owner do it), then try "
            "again."
        ),
    ),
    "UnsupportedOperation": ErrorAdvice(
        N_("Tencent does not support this operation for this account or stream."),
        N_(
            "Check that the push domain belongs to this account and uses the new console "
            "(stream-code) mode; open a ticket with the RequestId if unsure."
        ),
    ),
    # --- Related Live codes ----------------------------------------------------------------
    "InvalidParameter.InvalidTaskTime": ErrorAdvice(
        N_("Tencent rejected the recording window."),
        N_(
            "The end must be after the start and in the future, at most 24 h after the start and "
            "less than 7 days from now."
        ),
    ),
    "LimitExceeded.MaximumTask": ErrorAdvice(
        N_("The account has created as many recording tasks today as it may."),
        N_("Try again tomorrow, or ask Tencent to raise the daily limit."),
    ),
    "LimitExceeded.RateLimitExceeded": ErrorAdvice(
        N_("Too many requests to Tencent in a short time."),
        N_("Wait a few seconds and try again."),
    ),
    "ResourceNotFound.DomainNotExist": ErrorAdvice(
        N_("The push domain does not exist on this account."),
        N_("Check the domain (`domain=…`) against CSS → Domain Management."),
    ),
    # --- Common codes -------------------------------------------------------------------------
    "AuthFailure": ErrorAdvice(
        N_("Tencent did not accept the bot's credentials."),
        N_(
            "An admin should check TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY and the "
            "sub-account's Live permissions."
        ),
    ),
    "AuthFailure.SignatureExpire": ErrorAdvice(
        N_("Tencent refused the request because the bot's clock is off by more than 5 minutes."),
        N_("An admin should sync the bot host's clock (NTP), then try again."),
    ),
    "AuthFailure.SecretIdNotFound": ErrorAdvice(
        N_("Tencent does not know the bot's SecretId (deleted or disabled key)."),
        N_("An admin should create a new API key and update TENCENTCLOUD_SECRET_ID/KEY."),
    ),
    "AuthFailure.SignatureFailure": ErrorAdvice(
        N_("Tencent says the request signature is wrong."),
        N_("An admin should check that TENCENTCLOUD_SECRET_KEY belongs to TENCENTCLOUD_SECRET_ID."),
    ),
    "AuthFailure.UnauthorizedOperation": ErrorAdvice(
        N_("The bot's Tencent sub-account may not create recording tasks."),
        N_("An admin should grant the sub-account the Live recording permissions in CAM."),
    ),
    "RequestLimitExceeded": ErrorAdvice(
        N_("Tencent throttled the request (more than 20 a second)."),
        N_("Wait a few seconds and try again."),
    ),
    "MissingParameter": ErrorAdvice(
        N_("Tencent says a required parameter is missing."),
        N_("This is a bug in the bot; please report it with the RequestId."),
    ),
    "InvalidParameterValue": ErrorAdvice(
        N_("Tencent rejected a parameter value."),
        N_("Check the stream name, push domain, app name and template id."),
    ),
    "UnsupportedRegion": ErrorAdvice(
        N_("The configured region does not offer recording tasks."),
        N_("An admin should set TENCENTCLOUD_REGION to a supported region (e.g. ap-guangzhou)."),
    ),
    # --- Raised by the SDK itself, not by Tencent ----------------------------------------------
    "ClientNetworkError": ErrorAdvice(
        N_("The bot could not reach Tencent (network error or timeout)."),
        N_("The bot will check with Tencent whether the task exists before anything is retried."),
    ),
    "ServerNetworkError": ErrorAdvice(
        N_("Tencent answered with an HTTP error instead of a result."),
        N_("The bot will check with Tencent whether the task exists before anything is retried."),
    ),
}

_UNKNOWN = ErrorAdvice(
    N_("Tencent returned an error the bot does not know."),
    N_("Search the code in Tencent's CSS error-code list, or open a ticket with the RequestId."),
)


@dataclass(frozen=True)
class Advice:
    meaning: Mrkdwn
    hint: Mrkdwn


def advice_for(tr: Tr, code: str) -> Advice:
    """The most specific advice for ``code`` (exact match, then its family prefix), in
    ``tr``'s language."""
    advice = _UNKNOWN
    while code:
        if code in _CATALOGUE:
            advice = _CATALOGUE[code]
            break
        code = code.rpartition(".")[0]
    return Advice(tr._(advice.meaning), tr._(advice.hint))


def known_codes() -> frozenset[str]:
    return frozenset(_CATALOGUE)
