"""TC3-HMAC-SHA256, exactly as Tencent checks it: the Authorization header, the canonical
request, the signature.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.sandbox.live.codes import (
    ALGORITHM,
    API_VERSION,
    JSON_CONTENT_TYPE,
    SERVICE,
    ApiError,
    Code,
)


@dataclass(frozen=True)
class Authorization:
    """The parts of ``TC3-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...``."""

    secret_id: str
    date: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str


def parse_authorization(value: str | None) -> Authorization:
    """Split an Authorization header, refusing anything that is not well-formed TC3.

    Tencent requires ``content-type`` and ``host`` to be signed, so a header that leaves either
    out is malformed rather than merely wrong.
    """
    if not value:
        raise _bad_authorization("the Authorization header is missing")
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise _bad_authorization(f"the algorithm must be {ALGORITHM}")
    parts: dict[str, str] = {}
    for item in rest.split(","):
        key, eq, val = item.strip().partition("=")
        if not eq or not val:
            raise _bad_authorization(f"cannot parse {item.strip()!r}")
        parts[key] = val
    missing = {"Credential", "SignedHeaders", "Signature"} - parts.keys()
    if missing:
        raise _bad_authorization(f"missing {', '.join(sorted(missing))}")
    scope = parts["Credential"].split("/")
    if len(scope) != 4 or not all(scope) or scope[3] != "tc3_request":
        raise _bad_authorization("Credential must be SecretId/YYYY-MM-DD/service/tc3_request")
    signed = tuple(name.strip().lower() for name in parts["SignedHeaders"].split(";"))
    if not {"content-type", "host"} <= set(signed):
        raise _bad_authorization("SignedHeaders must include content-type and host")
    return Authorization(scope[0], scope[1], scope[2], signed, parts["Signature"])


def _bad_authorization(reason: str) -> ApiError:
    return ApiError(Code.INVALID_AUTHORIZATION, f"The Authorization header is invalid: {reason}.")


def canonical_request(
    method: str,
    query: str,
    headers: Mapping[str, str],
    signed_headers: Sequence[str],
    payload: bytes,
) -> str:
    """The canonical request of TC3: the query only counts for GET, header values are trimmed
    and lower-cased, and the payload hash is over the bytes exactly as they travelled.

    ``headers`` must answer lower-case names (aiohttp's case-insensitive headers do).
    """
    canonical_headers = "".join(
        f"{name}:{headers.get(name, '').strip().lower()}\n" for name in signed_headers
    )
    return "\n".join([
        method,
        "/",
        query if method == "GET" else "",
        canonical_headers,
        ";".join(signed_headers),
        hashlib.sha256(payload).hexdigest(),
    ])


def tc3_signature(
    secret_key: str, timestamp: str, date: str, service: str, canonical: str
) -> str:
    """Sign a canonical request: the string to sign, then the date/service/tc3_request key chain."""
    scope = f"{date}/{service}/tc3_request"
    to_sign = "\n".join([
        ALGORITHM, timestamp, scope, hashlib.sha256(canonical.encode()).hexdigest()
    ])
    key = _hmac(f"TC3{secret_key}".encode(), date)
    key = _hmac(key, service)
    key = _hmac(key, "tc3_request")
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def utc_date(timestamp: int) -> str:
    """The credential-scope date of a timestamp (always UTC, as the SDK computes it)."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")


def sign_request(
    *,
    secret_id: str,
    secret_key: str,
    action: str,
    host: str,
    timestamp: int,
    method: str = "POST",
    body: bytes = b"",
    query: str = "",
    region: str | None = "ap-guangzhou",
    version: str = API_VERSION,
    language: str = "en-US",
) -> dict[str, str]:
    """Headers of a TC3-signed request, laid out as the Python SDK lays them out.

    For raw-HTTP tests and load generators that want to skip the SDK; the SDK itself stays the
    reference the verifier is tested against.
    """
    content_type = JSON_CONTENT_TYPE if method == "POST" else "application/x-www-form-urlencoded"
    headers = {
        "Content-Type": content_type,
        "Host": host,
        "X-TC-Action": action,
        "X-TC-Timestamp": str(timestamp),
        "X-TC-Version": version,
        "X-TC-Language": language,
    }
    if region:
        headers["X-TC-Region"] = region
    date = utc_date(timestamp)
    signed = ("content-type", "host")
    lowered = {"content-type": content_type, "host": host}
    canonical = canonical_request(method, query, lowered, signed, body)
    signature = tc3_signature(secret_key, str(timestamp), date, SERVICE, canonical)
    headers["Authorization"] = (
        f"{ALGORITHM} Credential={secret_id}/{date}/{SERVICE}/tc3_request, "
        f"SignedHeaders={';'.join(signed)}, Signature={signature}"
    )
    return headers
