"""An in-process emulator of Tencent Cloud Live (CSS) API 3.0, version 2018-08-01.

Why it exists: the bot talks to Tencent through the real ``tencentcloud`` SDK, and the failure
modes that matter (signature errors, rate limits, timeouts after a task was created, error bodies
the SDK silently ignores) only show up when that SDK speaks real HTTP. So the emulator is a real
HTTP server on 127.0.0.1 that the unmodified SDK can be pointed at::

    with LiveEmulator() as live:
        profile = ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=live.endpoint),
                                language="en-US")
        client = LiveClient(Credential(*live.default_credentials), "ap-guangzhou", profile)

It verifies TC3-HMAC-SHA256 signatures the way Tencent does, applies the documented rules of the
recording-task APIs, keeps tasks in memory, logs every request, and can inject faults. Tests, the
``--sandbox`` console and benchmarks all use it; ``python -m bot.tencent.emulator`` runs it alone.

Deliberate choices where Tencent's behaviour is not documented:

* A bad task time on CreateRecordTask answers ``InvalidParameter.InvalidTaskTime``.
* An unknown, or deleted, TaskId answers ``InvalidParameter.TaskNotExist`` (Stop and Delete).
* A value of the wrong type answers ``InvalidParameter``; a well-typed value outside the allowed
  set (StreamType 2, a negative time, an empty required string) answers ``InvalidParameterValue``;
  a parameter the action does not define answers ``UnknownParameter``.
* Error messages are always English, whatever ``X-TC-Language`` asks for.
* Callback templates may share a name. A second CreateLiveCallbackRule for a domain and app
  that already have one answers ``InternalError.RuleAlreadyExist``; one naming an unknown
  template answers ``InvalidParameter.ConfNotFound``; a template beyond the 50th answers
  ``InternalError.ConfOutLimit``; a callback URL that is not http(s) answers
  ``InvalidParameter.InvalidCallbackUrl``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import contextlib
import hashlib
import hmac
import itertools
import json
import re
import secrets
import string
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Final
from urllib.parse import parse_qsl

from aiohttp import web

from bot.background import BackgroundServer

API_VERSION: Final = "2018-08-01"
SERVICE: Final = "live"
ALGORITHM: Final = "TC3-HMAC-SHA256"
JSON_CONTENT_TYPE: Final = "application/json"
MAX_CLOCK_SKEW: Final = 300  # seconds between X-TC-Timestamp and the server clock
DAY: Final = 86_400
DEFAULT_PAGE_SIZE: Final = 20

#: Regions the record-task APIs accept (international API page for CreateRecordTask).
SUPPORTED_REGIONS: Final = frozenset({
    "ap-bangkok", "ap-guangzhou", "ap-hongkong", "ap-jakarta", "ap-mumbai", "ap-seoul",
    "ap-singapore", "ap-tokyo", "eu-frankfurt", "na-ashburn", "na-siliconvalley", "na-toronto",
    "sa-saopaulo",
})

#: A made-up credential pair so that tests and the sandbox need no configuration.
DEFAULT_SECRET_ID: Final = "emulator-secret-id"
DEFAULT_SECRET_KEY: Final = "live-emulator-test-key-not-secret"

Params = dict[str, Any]
Clock = Callable[[], float]


class Code:
    """The error codes the emulator answers with; all are on Tencent's public lists."""

    INVALID_AUTHORIZATION = "AuthFailure.InvalidAuthorization"
    SIGNATURE_EXPIRE = "AuthFailure.SignatureExpire"
    SECRET_ID_NOT_FOUND = "AuthFailure.SecretIdNotFound"
    SIGNATURE_FAILURE = "AuthFailure.SignatureFailure"
    MISSING_PARAMETER = "MissingParameter"
    UNKNOWN_PARAMETER = "UnknownParameter"
    INVALID_PARAMETER = "InvalidParameter"
    INVALID_PARAMETER_VALUE = "InvalidParameterValue"
    INVALID_ACTION = "InvalidAction"
    NO_SUCH_VERSION = "NoSuchVersion"
    UNSUPPORTED_REGION = "UnsupportedRegion"
    UNSUPPORTED_PROTOCOL = "UnsupportedProtocol"
    INVALID_TASK_TIME = "InvalidParameter.InvalidTaskTime"
    TASK_NOT_EXIST = "InvalidParameter.TaskNotExist"
    TEMPLATE_NOT_FOUND = "FailedOperation.NotFound"
    REQUEST_LIMIT_EXCEEDED = "RequestLimitExceeded"
    INTERNAL_ERROR = "InternalError"
    CONF_NOT_FOUND = "InvalidParameter.ConfNotFound"
    CONF_OUT_LIMIT = "InternalError.ConfOutLimit"
    RULE_ALREADY_EXIST = "InternalError.RuleAlreadyExist"
    INVALID_CALLBACK_URL = "InvalidParameter.InvalidCallbackUrl"


class ApiError(Exception):
    """An error answered inside the normal HTTP 200 ``{"Response": {"Error": ...}}`` envelope."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


# --------------------------------------------------------------------------------------------
# TC3-HMAC-SHA256
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------------


_INTEGER: Final = re.compile(r"-?[0-9]+")


@dataclass(frozen=True)
class Param:
    """One request parameter of an action, with the checks Tencent applies to it."""

    name: str
    kind: type[int] | type[str] | type[list]  # list: a list of strings
    required: bool = False
    choices: tuple[int, ...] | None = None
    minimum: int | None = None

    def decode(self, raw: object, *, from_query: bool) -> int | str | list[str]:
        """Check one value; query-string values arrive as text, so integers are parsed there."""
        value = self._typed(raw, from_query=from_query)
        if isinstance(value, list):
            return value
        if isinstance(value, str):
            if self.required and not value:
                raise ApiError(
                    Code.INVALID_PARAMETER_VALUE, f"The parameter `{self.name}` must not be empty."
                )
            return value
        if self.choices is not None and value not in self.choices:
            allowed = ", ".join(map(str, self.choices))
            raise ApiError(
                Code.INVALID_PARAMETER_VALUE,
                f"The value `{value}` of parameter `{self.name}` is not allowed; "
                f"valid values: {allowed}.",
            )
        if self.minimum is not None and value < self.minimum:
            raise ApiError(
                Code.INVALID_PARAMETER_VALUE,
                f"The value `{value}` of parameter `{self.name}` must be at least {self.minimum}.",
            )
        return value

    def _typed(self, raw: object, *, from_query: bool) -> int | str | list[str]:
        if self.kind is str and isinstance(raw, str):
            return raw
        if self.kind is list and isinstance(raw, list) and all(isinstance(i, str) for i in raw):
            return list(raw)
        if self.kind is int:
            if isinstance(raw, int) and not isinstance(raw, bool):
                return raw
            if from_query and isinstance(raw, str) and _INTEGER.fullmatch(raw):
                return int(raw)
        expected = {int: "Integer", str: "String", list: "Array of String"}[self.kind]
        raise ApiError(
            Code.INVALID_PARAMETER,
            f"The value type of parameter `{self.name}` is not valid; expected {expected}.",
        )


def decode_params(
    params: Sequence[Param], raw: Mapping[str, Any], *, from_query: bool
) -> Params:
    """Validate the parameters of one call against its declaration.

    A JSON ``null`` counts as absent, because that is what the SDK means by an unset field.
    """
    known = {p.name for p in params}
    unknown = sorted(name for name in raw if name not in known)
    if unknown:
        raise ApiError(Code.UNKNOWN_PARAMETER, f"The parameter `{unknown[0]}` is not recognized.")
    decoded: Params = {}
    for param in params:
        value = raw.get(param.name)
        if value is None:
            if param.required:
                raise ApiError(
                    Code.MISSING_PARAMETER,
                    f"The request is missing a required parameter `{param.name}`.",
                )
            continue
        decoded[param.name] = param.decode(value, from_query=from_query)
    return decoded


# --------------------------------------------------------------------------------------------
# State: tasks, templates and the rules of each action
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordTask:
    """A stored recording task. Snapshots are immutable; the store replaces them on change."""

    task_id: str
    stream_name: str
    domain_name: str
    app_name: str
    start_time: int
    end_time: int
    template_id: int = 0
    stopped: int = 0
    stream_type: int = 0
    extension: str = ""
    created_at: int = 0
    deleted: bool = False
    seq: int = 0  # creation order; ScrollToken paging is anchored on it

    def to_api(self) -> dict[str, Any]:
        """The ``RecordTask`` structure of DescribeRecordTask."""
        return {
            "TaskId": self.task_id,
            "DomainName": self.domain_name,
            "AppName": self.app_name,
            "StreamName": self.stream_name,
            "StartTime": self.start_time,
            "EndTime": self.end_time,
            "TemplateId": self.template_id,
            "Stopped": self.stopped,
        }


_FORMATS: Final = ("Flv", "Hls", "Mp4", "Aac", "Mp3")


def record_template(
    template_id: int,
    name: str,
    formats: Iterable[str] = ("hls", "mp4"),
    *,
    description: str = "",
    is_delay_live: int = 0,
    record_interval: int = 1800,
) -> dict[str, Any]:
    """A ``RecordTemplateInfo`` in API shape: one RecordParam block per format, Enable 0 or 1."""
    enabled = {f.lower() for f in formats}
    unknown = enabled - {f.lower() for f in _FORMATS}
    if unknown:
        raise ValueError(f"unknown record formats: {sorted(unknown)}")
    template: dict[str, Any] = {
        "TemplateId": template_id,
        "TemplateName": name,
        "Description": description,
        "IsDelayLive": is_delay_live,
        "HlsSpecialParam": {"FlowContinueDuration": 0},
        "RemoveWatermark": False,
        "CosStore": 0,
    }
    for fmt in _FORMATS:
        template[f"{fmt}Param"] = {
            "RecordInterval": record_interval,
            "StorageTime": 0,
            "Enable": int(fmt.lower() in enabled),
            "VodSubAppId": 0,
            "VodFileName": "",
            "Procedure": "",
            "StorageMode": "normal",
            "ClassId": 0,
        }
    return template


#: What a fresh emulator offers from DescribeLiveRecordTemplates.
DEFAULT_TEMPLATES: Final = (
    record_template(10001, "hls_mp4", ("hls", "mp4"), description="HLS and MP4, kept forever"),
    record_template(10002, "flv_hourly", ("flv",), description="FLV in one-hour files",
                    record_interval=3600),
)


class LiveState:
    """The emulated account: tasks and templates, and the documented rules of each action.

    Every public method takes the lock, because the server thread and the test thread both
    use the state; no method awaits while holding it.
    """

    def __init__(self, templates: Iterable[Mapping[str, Any]] = DEFAULT_TEMPLATES,
                 page_size: int = DEFAULT_PAGE_SIZE) -> None:
        self._lock = threading.Lock()
        self._tasks: dict[str, RecordTask] = {}
        self._seq = itertools.count(1)
        self._templates = [json.loads(json.dumps(t)) for t in templates]
        self.page_size = page_size
        self._callback_templates: dict[int, dict[str, Any]] = {}
        self._callback_rules: list[dict[str, Any]] = []
        self._callback_template_ids = itertools.count(40001)

    # ---- views and seeding --------------------------------------------------------------

    def tasks(self, *, include_deleted: bool = False) -> list[RecordTask]:
        with self._lock:
            return [t for t in self._tasks.values() if include_deleted or not t.deleted]

    def task(self, task_id: str) -> RecordTask | None:
        with self._lock:
            return self._tasks.get(task_id)

    def add_task(self, task: RecordTask) -> RecordTask:
        """Store a task as is, skipping the rules (to seed old or odd tasks)."""
        with self._lock:
            stored = replace(task, task_id=task.task_id or self._new_task_id(),
                             seq=next(self._seq))
            self._tasks[stored.task_id] = stored
            return stored

    def clear_tasks(self) -> None:
        with self._lock:
            self._tasks.clear()

    def clear_callback_config(self) -> None:
        with self._lock:
            self._callback_templates.clear()
            self._callback_rules.clear()

    @property
    def callback_templates(self) -> list[dict[str, Any]]:
        """``CallBackTemplateInfo`` dicts plus RecordStatusNotifyUrl (which Describe does not
        return), oldest first; a copy."""
        with self._lock:
            return json.loads(json.dumps(list(self._callback_templates.values())))

    @property
    def callback_rules(self) -> list[dict[str, Any]]:
        """``CallBackRuleInfo`` dicts, oldest first; a copy."""
        with self._lock:
            return json.loads(json.dumps(self._callback_rules))

    @property
    def templates(self) -> list[dict[str, Any]]:
        with self._lock:
            return json.loads(json.dumps(self._templates))

    @templates.setter
    def templates(self, templates: Iterable[Mapping[str, Any]]) -> None:
        copied = [json.loads(json.dumps(t)) for t in templates]
        with self._lock:
            self._templates = copied

    def stream_of(self, params: Params) -> str | None:
        """The stream a call concerns: its StreamName, or the stream of the task it names."""
        if params.get("StreamName"):
            return str(params["StreamName"])
        task = self.task(str(params.get("TaskId", "")))
        return task.stream_name if task else None

    # ---- actions ------------------------------------------------------------------------

    def create_record_task(self, params: Params, now: int) -> dict[str, Any]:
        start = params.get("StartTime", now)
        check_task_time(start, params["EndTime"], now)
        with self._lock:
            task = RecordTask(
                task_id=self._new_task_id(),
                stream_name=params["StreamName"],
                domain_name=params["DomainName"],
                app_name=params["AppName"],
                start_time=start,
                end_time=params["EndTime"],
                template_id=params.get("TemplateId", 0),
                stream_type=params.get("StreamType", 0),
                extension=params.get("Extension", ""),
                created_at=now,
                seq=next(self._seq),
            )
            self._tasks[task.task_id] = task
        return {"TaskId": task.task_id}

    def describe_record_task(self, params: Params, now: int) -> dict[str, Any]:
        start, end = params["StartTime"], params["EndTime"]
        check_query_window(start, end, now)
        after = decode_scroll_token(params.get("ScrollToken", ""))
        filters = {
            name: params[key]
            for key, name in (("StreamName", "stream_name"), ("DomainName", "domain_name"),
                              ("AppName", "app_name"))
            if params.get(key)
        }
        with self._lock:
            matching = [  # the dict keeps insertion order, which is seq order
                t for t in self._tasks.values()
                if t.seq > after and not t.deleted and start <= t.start_time
                and t.end_time <= end
                and all(getattr(t, attr) == value for attr, value in filters.items())
            ]
            page_size = self.page_size
        page = matching[:page_size]
        more = len(matching) > page_size
        return {
            "TaskList": [t.to_api() for t in page],
            "ScrollToken": encode_scroll_token(page[-1].seq) if more else "",
        }

    def stop_record_task(self, params: Params, now: int) -> dict[str, Any]:
        with self._lock:
            task = self._existing(params["TaskId"])
            if not task.stopped:  # a second stop keeps the first stop time
                self._tasks[task.task_id] = replace(task, stopped=now)
        return {}

    def delete_record_task(self, params: Params, now: int) -> dict[str, Any]:
        with self._lock:
            task = self._existing(params["TaskId"])
            self._tasks[task.task_id] = replace(task, deleted=True)
        return {}

    def describe_live_record_templates(self, params: Params, now: int) -> dict[str, Any]:
        delay_live = params.get("IsDelayLive", 0)
        return {"Templates": [t for t in self.templates if t.get("IsDelayLive", 0) == delay_live]}

    def describe_live_record_template(self, params: Params, now: int) -> dict[str, Any]:
        for template in self.templates:
            if template.get("TemplateId") == params["TemplateId"]:
                return {"Template": template}
        raise ApiError(
            Code.TEMPLATE_NOT_FOUND, f"The record template {params['TemplateId']} does not exist."
        )

    def create_live_callback_template(self, params: Params, now: int) -> dict[str, Any]:
        name = params["TemplateName"]
        if len(name.encode()) > 255 or not _TEMPLATE_NAME.fullmatch(name):
            raise ApiError(
                Code.INVALID_PARAMETER_VALUE,
                "TemplateName may use Chinese characters, letters, digits, _ and - only, up to "
                "255 bytes.",
            )
        if len(params.get("Description", "").encode()) > 1024:
            raise ApiError(Code.INVALID_PARAMETER_VALUE,
                           "Description must not exceed 1024 bytes.")
        urls = {k: v for k, v in params.items() if k.endswith("NotifyUrl") and v}
        if not urls:
            raise ApiError(Code.INVALID_PARAMETER, "Specify at least one callback URL.")
        for key, url in urls.items():
            if not _CALLBACK_URL.fullmatch(url):
                raise ApiError(Code.INVALID_CALLBACK_URL,
                               f"The callback URL `{key}` is not an http(s) URL.")
        levels = params.get("RecordExceptionLevels", [])
        if any(level not in ("error", "warning", "info") for level in levels):
            raise ApiError(Code.INVALID_PARAMETER_VALUE,
                           "RecordExceptionLevels takes error, warning and info.")
        with self._lock:
            if len(self._callback_templates) >= MAX_CALLBACK_TEMPLATES:
                raise ApiError(Code.CONF_OUT_LIMIT,
                               f"At most {MAX_CALLBACK_TEMPLATES} callback templates are allowed.")
            template_id = next(self._callback_template_ids)
            template = {name: "" for name in _CALLBACK_TEMPLATE_FIELDS}
            template.update({k: v for k, v in params.items() if k in _CALLBACK_TEMPLATE_FIELDS})
            template.update(TemplateId=template_id, RecordExceptionLevels=levels)
            self._callback_templates[template_id] = template
        return {"TemplateId": template_id}

    def create_live_callback_rule(self, params: Params, now: int) -> dict[str, Any]:
        domain, app, template_id = params["DomainName"], params["AppName"], params["TemplateId"]
        with self._lock:
            if template_id not in self._callback_templates:
                raise ApiError(Code.CONF_NOT_FOUND,
                               f"The callback template {template_id} does not exist.")
            if any(r["DomainName"] == domain and r["AppName"] == app
                   for r in self._callback_rules):
                raise ApiError(Code.RULE_ALREADY_EXIST,
                               f"A callback rule for {domain} / {app} already exists.")
            stamp = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            self._callback_rules.append({"CreateTime": stamp, "UpdateTime": stamp,
                                         "TemplateId": template_id, "DomainName": domain,
                                         "AppName": app})
        return {}

    def describe_live_callback_templates(self, params: Params, now: int) -> dict[str, Any]:
        # CallBackTemplateInfo has no RecordStatusNotifyUrl (the SDK model lacks it too).
        return {"Templates": [{k: v for k, v in t.items() if k != "RecordStatusNotifyUrl"}
                              for t in self.callback_templates]}

    def describe_live_callback_rules(self, params: Params, now: int) -> dict[str, Any]:
        return {"Rules": self.callback_rules}

    # ---- helpers (call with the lock held) ------------------------------------------------

    def _existing(self, task_id: str) -> RecordTask:
        task = self._tasks.get(task_id)
        if task is None or task.deleted:
            raise ApiError(Code.TASK_NOT_EXIST, f"The task `{task_id}` does not exist.")
        return task

    def _new_task_id(self) -> str:
        """An opaque, globally unique id in the style of the documented example."""
        alphabet = string.ascii_letters + string.digits
        while True:
            task_id = "".join(secrets.choice(alphabet) for _ in range(56))
            if task_id not in self._tasks:
                return task_id


#: "数量上限：50" (CreateLiveCallbackTemplate).
MAX_CALLBACK_TEMPLATES: Final = 50
_TEMPLATE_NAME: Final = re.compile(r"[\u4e00-\u9fffA-Za-z0-9_-]+")
_CALLBACK_URL: Final = re.compile(r"https?://[^\s/?#]+[^\s]*")
_CALLBACK_TEMPLATE_FIELDS: Final = (
    "TemplateName", "Description", "StreamBeginNotifyUrl", "StreamEndNotifyUrl",
    "RecordNotifyUrl", "RecordStatusNotifyUrl", "SnapshotNotifyUrl", "PornCensorshipNotifyUrl",
    "CallbackKey", "StreamMixNotifyUrl", "PushExceptionNotifyUrl", "AudioAuditNotifyUrl",
    "RecordExceptionNotifyUrl",
)


def check_task_time(start: int, end: int, now: int) -> None:
    """CreateRecordTask's time rules, from the API page (EndTime is exclusive of now + 7 days)."""
    rules = (
        (end > start, "EndTime must be later than StartTime."),
        (end > now, "EndTime must be later than the current time."),
        (end - start <= DAY, "EndTime - StartTime must not exceed 24 hours."),
        (end < now + 7 * DAY, "EndTime must be earlier than the current time plus 7 days."),
    )
    for ok, message in rules:
        if not ok:
            raise ApiError(Code.INVALID_TASK_TIME, message)


def check_query_window(start: int, end: int, now: int) -> None:
    """DescribeRecordTask's window rules: a real window, at most a week, not before 90 days ago."""
    rules = (
        (end > start, "EndTime must be later than StartTime."),
        (end - start <= 7 * DAY,
         "The query window (EndTime - StartTime) must not exceed one week."),
        (start >= now - 90 * DAY, "StartTime must not be earlier than 90 days before now."),
    )
    for ok, message in rules:
        if not ok:
            raise ApiError(Code.INVALID_PARAMETER, message)


def encode_scroll_token(last_seq: int) -> str:
    """Opaque paging token: the position after which the next page starts.

    Anchoring on creation order, not on an offset, keeps paging stable when tasks are created
    between two pages.
    """
    return base64.b64encode(f"after:{last_seq}".encode()).decode()


def decode_scroll_token(token: str) -> int:
    if not token:
        return 0
    try:
        prefix, _, seq = base64.b64decode(token, validate=True).decode().partition(":")
        if prefix == "after" and seq.isdigit():
            return int(seq)
    except (binascii.Error, UnicodeDecodeError):
        pass
    raise ApiError(Code.INVALID_PARAMETER, "The ScrollToken is invalid.")


# --------------------------------------------------------------------------------------------
# Actions
# --------------------------------------------------------------------------------------------

Handler = Callable[[LiveState, Params, int], dict[str, Any]]


@dataclass(frozen=True)
class ActionSpec:
    """What the emulator knows about one action: its parameters, whether it needs a region."""

    name: str
    params: tuple[Param, ...]
    handler: Handler
    needs_region: bool = False


ACTIONS: Final[Mapping[str, ActionSpec]] = MappingProxyType({spec.name: spec for spec in (
    ActionSpec("CreateRecordTask", (
        Param("StreamName", str, required=True),
        Param("DomainName", str, required=True),
        Param("AppName", str, required=True),
        Param("EndTime", int, required=True, minimum=0),
        Param("StartTime", int, minimum=0),
        Param("StreamType", int, choices=(0, 1)),
        Param("TemplateId", int),
        Param("Extension", str),
    ), LiveState.create_record_task, needs_region=True),
    ActionSpec("DescribeRecordTask", (
        Param("StartTime", int, required=True, minimum=0),
        Param("EndTime", int, required=True, minimum=0),
        Param("StreamName", str),
        Param("DomainName", str),
        Param("AppName", str),
        Param("ScrollToken", str),
    ), LiveState.describe_record_task, needs_region=True),
    ActionSpec("StopRecordTask", (Param("TaskId", str, required=True),),
               LiveState.stop_record_task, needs_region=True),
    ActionSpec("DeleteRecordTask", (Param("TaskId", str, required=True),),
               LiveState.delete_record_task, needs_region=True),
    ActionSpec("DescribeLiveRecordTemplates", (Param("IsDelayLive", int, choices=(0, 1)),),
               LiveState.describe_live_record_templates),
    ActionSpec("DescribeLiveRecordTemplate", (Param("TemplateId", int, required=True),),
               LiveState.describe_live_record_template),
    ActionSpec("CreateLiveCallbackTemplate", (
        Param("TemplateName", str, required=True),
        *(Param(name, str) for name in _CALLBACK_TEMPLATE_FIELDS[1:]),
        Param("RecordExceptionLevels", list),
    ), LiveState.create_live_callback_template),
    ActionSpec("CreateLiveCallbackRule", (
        Param("DomainName", str, required=True),
        Param("AppName", str, required=True),
        Param("TemplateId", int, required=True),
    ), LiveState.create_live_callback_rule),
    ActionSpec("DescribeLiveCallbackTemplates", (), LiveState.describe_live_callback_templates),
    ActionSpec("DescribeLiveCallbackRules", (), LiveState.describe_live_callback_rules),
)})


# --------------------------------------------------------------------------------------------
# Faults
# --------------------------------------------------------------------------------------------

_DEFAULT_500_BODY: Final = "<html><body><h1>500 Internal Server Error</h1></body></html>"


@dataclass(frozen=True)
class Fault:
    """A misbehaviour to inject, for the requests it matches.

    Matching: ``action`` (None = every action) and ``stream`` (the call's StreamName, or the
    stream of the task a Stop/Delete names). A ``rate_limit`` fault matches only while that
    action is called more than ``rate_limit`` times within one second of the emulator clock.
    The first armed fault that matches, in injection order, applies; ``times`` limits how often
    (None = until cleared).

    Effect: at most one of ``error`` / ``http_status`` / ``malformed_body`` / ``drop_connection``
    replaces the reply; ``delay`` holds the reply back and ``content_type`` relabels it, either
    alone or with one of the others.

    ``takes_effect`` decides whether the action itself still happens (the task is created,
    stopped or deleted), because a client that saw a failure cannot know. None means: yes for a
    fault that only delays or relabels the reply, no for one that replaces it. With
    ``takes_effect=False`` a pure delay performs the action after the delay, and only if the
    client is still waiting.
    """

    action: str | None = None
    stream: str | None = None
    times: int | None = None
    error: tuple[str, str] | None = None
    http_status: int | None = None
    http_body: str = _DEFAULT_500_BODY
    malformed_body: bool = False
    drop_connection: bool = False
    delay: float = 0.0
    content_type: str | None = None
    rate_limit: float | None = None
    takes_effect: bool | None = None

    def __post_init__(self) -> None:
        if self.times is not None and self.times < 1:
            raise ValueError("times must be at least 1 (or None for 'until cleared')")
        if self.action is not None and self.action not in ACTIONS:
            raise ValueError(f"unknown action {self.action!r}")
        outcomes = [self.error is not None, self.http_status is not None, self.malformed_body,
                    self.drop_connection]
        if sum(outcomes) > 1:
            raise ValueError("a fault replaces the reply in at most one way")
        if self.http_status == 200:
            raise ValueError("http_status must not be 200; use error= for API errors")
        if self.delay < 0:
            raise ValueError("delay must not be negative")

    @property
    def replaces_reply(self) -> bool:
        return (self.error is not None or self.http_status is not None or self.malformed_body
                or self.drop_connection)

    @property
    def action_happens(self) -> bool:
        """Whether the action takes effect under this fault (``takes_effect`` resolved)."""
        return self.takes_effect if self.takes_effect is not None else not self.replaces_reply

    def matches(self, action: str, stream: str | None) -> bool:
        return (self.action in (None, action)) and (self.stream in (None, stream))

    # ---- the common cases -----------------------------------------------------------------

    @classmethod
    def api_error(cls, code: str, message: str, **kw: Any) -> Fault:
        """Answer a normal Tencent error envelope with this code and message."""
        return cls(error=(code, message), **kw)

    @classmethod
    def slow(cls, seconds: float, **kw: Any) -> Fault:
        """Answer normally, ``seconds`` late (the action happens up front unless told not to)."""
        return cls(delay=seconds, **kw)

    @classmethod
    def server_error(cls, status: int = 500, body: str = _DEFAULT_500_BODY, **kw: Any) -> Fault:
        """Answer a non-200 status; the SDK raises ServerNetworkError with the body."""
        return cls(http_status=status, http_body=body, **kw)

    @classmethod
    def malformed_json(cls, **kw: Any) -> Fault:
        """Answer 200 ``application/json`` whose body is cut off mid-JSON."""
        return cls(malformed_body=True, **kw)

    @classmethod
    def wrong_content_type(
        cls, content_type: str = "application/json; charset=utf-8", **kw: Any
    ) -> Fault:
        """Relabel the reply; the SDK then skips its error check and returns an empty model."""
        return cls(content_type=content_type, **kw)

    @classmethod
    def drop(cls, **kw: Any) -> Fault:
        """Close the connection without answering."""
        return cls(drop_connection=True, **kw)

    @classmethod
    def throttle(cls, per_second: float, **kw: Any) -> Fault:
        """Answer RequestLimitExceeded to calls beyond ``per_second`` per action."""
        kw.setdefault("error", (Code.REQUEST_LIMIT_EXCEEDED,
                                "Your request frequency exceeds the limit of this API."))
        return cls(rate_limit=per_second, **kw)


@dataclass
class _ArmedFault:
    fault: Fault
    remaining: int | None


class _FaultPlan:
    """The armed faults and the per-action call history that rate limits are measured on."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: list[_ArmedFault] = []
        self._calls: dict[str, deque[float]] = {}

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._armed.append(_ArmedFault(fault, fault.times))

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()
            self._calls.clear()

    def armed(self) -> list[Fault]:
        with self._lock:
            return [a.fault for a in self._armed]

    def take(self, action: str, stream: str | None, now: float) -> Fault | None:
        """Count the call, then pick and use up the first matching fault."""
        with self._lock:
            rate = self._count_call(action, now)
            for armed in self._armed:
                fault = armed.fault
                if not fault.matches(action, stream):
                    continue
                if fault.rate_limit is not None and rate <= fault.rate_limit:
                    continue
                if armed.remaining is not None:
                    armed.remaining -= 1
                    if armed.remaining == 0:
                        self._armed.remove(armed)
                return fault
            return None

    def _count_call(self, action: str, now: float) -> int:
        calls = self._calls.setdefault(action, deque())
        calls.append(now)
        while calls and calls[0] <= now - 1.0:
            calls.popleft()
        return len(calls)


# --------------------------------------------------------------------------------------------
# The request log
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the emulator saw it, and how it answered.

    ``params`` are as sent: the JSON object of a POST, or the query of a GET (values are then
    strings). ``outcome`` is ``"OK"``, an error code, ``"HTTP <status>"``, ``"malformed"``,
    ``"dropped"`` or ``"client-gone"`` (a delayed request whose client had left).
    """

    action: str
    params: dict[str, Any]
    headers: dict[str, str]
    method: str
    body: bytes
    query: str
    verified: bool
    outcome: str
    content_type: str | None
    request_id: str
    received_at: float
    fault: Fault | None = None


@dataclass
class _Call:
    """A request being served: what was read off the wire, plus what was learnt on the way."""

    request: web.Request
    method: str
    headers: Mapping[str, str]
    query: str
    body: bytes
    params: dict[str, Any]
    params_error: str | None
    received_at: float
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    verified: bool = False

    @property
    def action(self) -> str:
        return self.headers.get("X-TC-Action", "")


@dataclass(frozen=True)
class _Reply:
    status: int
    body: bytes
    content_type: str
    outcome: str


# --------------------------------------------------------------------------------------------
# The emulator
# --------------------------------------------------------------------------------------------

_STOPPING_KEY: Final = web.AppKey("live_emulator_stopping", asyncio.Event)


class LiveEmulator:
    """The Live API emulator: HTTP front end, test controls, and a loopback server handle.

    ``make_app()`` gives an aiohttp application to mount anywhere; ``start()`` (or ``with``)
    serves it on 127.0.0.1 from a background thread via ``BackgroundServer``. All controls are
    thread-safe, so tests can call them while the server thread answers the SDK.
    """

    def __init__(
        self,
        credentials: Mapping[str, str] | None = None,
        *,
        clock: Clock = time.time,
        page_size: int = DEFAULT_PAGE_SIZE,
        templates: Iterable[Mapping[str, Any]] = DEFAULT_TEMPLATES,
        port: int = 0,
        max_logged: int | None = None,
    ) -> None:
        """``max_logged`` bounds the request log (oldest entries go first) for long benchmarks;
        ``port`` 0 picks a free port at ``start()``."""
        self._credentials = dict(credentials or {DEFAULT_SECRET_ID: DEFAULT_SECRET_KEY})
        self.clock = clock
        self.state = LiveState(templates)
        self.page_size = page_size
        self._faults = _FaultPlan()
        self._log: deque[RecordedRequest] = deque(maxlen=max_logged)
        self._answered = 0  # requests logged since the last clear, including any dropped
        self._log_changed = threading.Condition()
        self._delayed = 0
        self._requested_port = port
        self._server: BackgroundServer | None = None

    # ---- credentials ------------------------------------------------------------------------

    @property
    def default_credentials(self) -> tuple[str, str]:
        """The first (secret_id, secret_key) pair, for building an SDK Credential."""
        return next(iter(self._credentials.items()))

    # ---- state controls -----------------------------------------------------------------

    @property
    def tasks(self) -> list[RecordTask]:
        """Stored tasks that are not deleted, in creation order."""
        return self.state.tasks()

    def task(self, task_id: str) -> RecordTask | None:
        """A task by id, deleted or not."""
        return self.state.task(task_id)

    def add_task(self, task: RecordTask) -> RecordTask:
        """Seed a task without the CreateRecordTask rules (an empty task_id gets a fresh one)."""
        return self.state.add_task(task)

    @property
    def templates(self) -> list[dict[str, Any]]:
        """The record templates (``RecordTemplateInfo`` dicts, see ``record_template``); a copy,
        so assign the property to change them."""
        return self.state.templates

    @templates.setter
    def templates(self, templates: Iterable[Mapping[str, Any]]) -> None:
        self.state.templates = templates

    @property
    def callback_templates(self) -> list[dict[str, Any]]:
        """Callback templates made with CreateLiveCallbackTemplate, oldest first."""
        return self.state.callback_templates

    @property
    def callback_rules(self) -> list[dict[str, Any]]:
        """Callback rules made with CreateLiveCallbackRule, oldest first."""
        return self.state.callback_rules

    @property
    def page_size(self) -> int:
        """How many tasks one DescribeRecordTask page holds (Tencent has no page-size input)."""
        return self.state.page_size

    @page_size.setter
    def page_size(self, size: int) -> None:
        if size < 1:
            raise ValueError("page_size must be at least 1")
        self.state.page_size = size

    # ---- faults -------------------------------------------------------------------------

    def inject(self, fault: Fault) -> Fault:
        """Arm a fault; it applies to matching requests until used up or cleared."""
        self._faults.add(fault)
        return fault

    def fail_stream(
        self, stream: str, code: str, message: str, *, action: str | None = None,
        times: int | None = None,
    ) -> Fault:
        """Make calls about one stream answer an API error (Create, Describe, Stop, Delete)."""
        return self.inject(Fault.api_error(code, message, stream=stream, action=action,
                                           times=times))

    def clear_faults(self) -> None:
        """Disarm every fault and forget the call rates that throttling measured."""
        self._faults.clear()

    @property
    def faults(self) -> list[Fault]:
        """Faults still armed, in injection order."""
        return self._faults.armed()

    # ---- the request log ------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request answered so far (a request is logged once its reply is decided)."""
        with self._log_changed:
            return list(self._log)

    def calls(self, action: str) -> list[dict[str, Any]]:
        """The params of signature-verified calls of one action, oldest first."""
        return [r.params for r in self.requests if r.action == action and r.verified]

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> list[RecordedRequest]:
        """Block until ``count`` requests are logged: for replies that finish after the client
        gave up (delays, dropped connections)."""
        with self._log_changed:
            if not self._log_changed.wait_for(lambda: self._answered >= count, timeout):
                raise TimeoutError(f"{self._answered} requests logged, expected {count}")
            return list(self._log)

    def requests_in_flight(self) -> int:
        """Requests held back by a delay fault right now (received, not yet answered)."""
        with self._log_changed:
            return self._delayed

    def clear_requests(self) -> None:
        with self._log_changed:
            self._log.clear()
            self._answered = 0

    def reset(self) -> None:
        """Forget tasks, callback templates and rules, faults and the request log (record
        templates and credentials stay)."""
        self.state.clear_tasks()
        self.state.clear_callback_config()
        self.clear_faults()
        self.clear_requests()

    # ---- the aiohttp application ----------------------------------------------------------

    def make_app(self) -> web.Application:
        """A fresh aiohttp application serving this emulator at ``/``.

        Any method is routed so that a wrong one gets Tencent's UnsupportedProtocol error
        rather than aiohttp's bare 405.
        """
        app = web.Application()
        app[EMULATOR_APP_KEY] = self
        app[_STOPPING_KEY] = asyncio.Event()
        app.router.add_route("*", "/", self._handle)
        app.on_shutdown.append(_wake_delays)
        return app

    # ---- the loopback server ---------------------------------------------------------------

    def start(self) -> LiveEmulator:
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        self._server = BackgroundServer(self.make_app(), port=self._requested_port).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> LiveEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the emulator is not running; call start() first")
        return self._server.port

    @property
    def endpoint(self) -> str:
        """``127.0.0.1:PORT``, the form ``HttpProfile(endpoint=...)`` wants (no scheme)."""
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.endpoint}"

    # ---- serving one request ---------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        call = await self._read(request)
        try:
            spec, params = self._admit(call)
        except ApiError as err:
            return self._send(call, _error_reply(call, err))
        stream = self.state.stream_of(params)
        fault = self._faults.take(spec.name, stream, self.clock())
        if fault is None:
            return self._send(call, self._execute(call, spec, params))
        return await self._serve_with_fault(call, spec, params, fault)

    async def _read(self, request: web.Request) -> _Call:
        body = await request.read()
        query = request.rel_url.raw_query_string
        params, problem = _raw_params(request.method, body, query)
        return _Call(request, request.method, request.headers, query, body, params, problem,
                     received_at=self.clock())

    def _admit(self, call: _Call) -> tuple[ActionSpec, Params]:
        """Everything that happens before an action runs: protocol, signature, version, action,
        region, then the parameters. (Tencent does not document its order; this one makes sure
        an unsigned request learns nothing about the API.)"""
        if call.method not in ("GET", "POST"):
            raise ApiError(Code.UNSUPPORTED_PROTOCOL, "Only GET and POST requests are supported.")
        self._authenticate(call)
        spec = _route(call.headers)
        if spec.needs_region:
            _check_region(call.headers.get("X-TC-Region"), spec.name)
        if call.params_error is not None:
            raise ApiError(Code.INVALID_PARAMETER, call.params_error)
        params = decode_params(spec.params, call.params, from_query=call.method == "GET")
        return spec, params

    def _authenticate(self, call: _Call) -> None:
        """TC3-HMAC-SHA256 verification (reference notes §3); sets ``call.verified``.

        Cheap structural checks come first so that each failure gets its own precise code.
        """
        auth = parse_authorization(call.headers.get("Authorization"))
        timestamp = _timestamp(call.headers.get("X-TC-Timestamp"))
        if abs(self.clock() - timestamp) > MAX_CLOCK_SKEW:
            raise ApiError(
                Code.SIGNATURE_EXPIRE,
                "The signature expired: X-TC-Timestamp and the server time differ by more than "
                "five minutes.",
            )
        secret_key = self._credentials.get(auth.secret_id)
        if secret_key is None:
            raise ApiError(Code.SECRET_ID_NOT_FOUND, "The SecretId is not found.")
        if auth.date != utc_date(timestamp):
            raise ApiError(
                Code.SIGNATURE_FAILURE,
                f"The credential scope date {auth.date} is not the UTC date of X-TC-Timestamp.",
            )
        if auth.service != SERVICE:
            raise ApiError(
                Code.SIGNATURE_FAILURE,
                f"The credential scope service is {auth.service!r}; this API is {SERVICE!r}.",
            )
        payload = call.body
        if call.headers.get("X-TC-Content-SHA256") == "UNSIGNED-PAYLOAD":
            payload = b"UNSIGNED-PAYLOAD"
        canonical = canonical_request(
            call.method, call.query, call.headers, auth.signed_headers, payload
        )
        expected = tc3_signature(secret_key, str(timestamp), auth.date, auth.service, canonical)
        if not hmac.compare_digest(expected.encode(), auth.signature.encode()):
            raise ApiError(
                Code.SIGNATURE_FAILURE,
                "The provided credentials could not be validated; check the secret key and "
                "the signing method.",
            )
        call.verified = True

    def _execute(self, call: _Call, spec: ActionSpec, params: Params) -> _Reply:
        try:
            fields = spec.handler(self.state, params, int(self.clock()))
        except ApiError as err:
            return _error_reply(call, err)
        return _json_reply(call, fields, "OK")

    async def _serve_with_fault(
        self, call: _Call, spec: ActionSpec, params: Params, fault: Fault
    ) -> web.StreamResponse:
        """Apply a fault: maybe perform the action, wait, then answer (or not) as told."""
        reply = self._execute(call, spec, params) if fault.action_happens else None
        if fault.delay:
            with self._log_changed:
                self._delayed += 1
            try:
                await _sleep(call.request, fault.delay)
            finally:
                with self._log_changed:
                    self._delayed -= 1
        if fault.drop_connection:
            return self._drop(call, fault)
        if fault.replaces_reply:
            reply = _replacement_reply(call, fault)
        elif reply is None:
            # A delay that holds the action back: it happens only for a client still waiting.
            if _client_gone(call.request):
                return self._send(call, _Reply(0, b"", "", "client-gone"), fault)
            reply = self._execute(call, spec, params)
        if fault.content_type is not None:
            reply = replace(reply, content_type=fault.content_type)
        return self._send(call, reply, fault)

    def _drop(self, call: _Call, fault: Fault) -> web.StreamResponse:
        transport = call.request.transport
        if transport is not None:
            transport.abort()
        self._record(call, _Reply(0, b"", "", "dropped"), fault)
        return web.Response()  # never reaches the client; aiohttp needs a return value

    def _send(self, call: _Call, reply: _Reply, fault: Fault | None = None) -> web.Response:
        self._record(call, reply, fault)
        return web.Response(status=reply.status or 200, body=reply.body,
                            headers={"Content-Type": reply.content_type or JSON_CONTENT_TYPE})

    def _record(self, call: _Call, reply: _Reply, fault: Fault | None) -> None:
        entry = RecordedRequest(
            action=call.action,
            params=call.params,
            headers=dict(call.headers),
            method=call.method,
            body=call.body,
            query=call.query,
            verified=call.verified,
            outcome=reply.outcome,
            content_type=reply.content_type or None,
            request_id=call.request_id,
            received_at=call.received_at,
            fault=fault,
        )
        with self._log_changed:
            self._log.append(entry)
            self._answered += 1
            self._log_changed.notify_all()


#: Where a mounted emulator application keeps its LiveEmulator.
EMULATOR_APP_KEY: Final = web.AppKey("live_emulator", LiveEmulator)


# ---- helpers of the request path ---------------------------------------------------------


def _raw_params(method: str, body: bytes, query: str) -> tuple[dict[str, Any], str | None]:
    """The parameters as sent, and why they cannot be used if they cannot.

    Read before authentication so that even a refused request is logged with what it carried.
    """
    if method == "GET":
        return dict(parse_qsl(query, keep_blank_values=True)), None
    if not body.strip():
        return {}, None
    try:
        decoded = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return {}, "The request body is not valid JSON."
    if not isinstance(decoded, dict):
        return {}, "The request body must be a JSON object."
    return decoded, None


def _timestamp(value: str | None) -> int:
    if not value:
        raise ApiError(Code.MISSING_PARAMETER,
                       "The request is missing a required parameter `Timestamp`.")
    if not _INTEGER.fullmatch(value) or value.startswith("-"):
        raise ApiError(Code.INVALID_PARAMETER, "X-TC-Timestamp must be a Unix time in seconds.")
    return int(value)


def _route(headers: Mapping[str, str]) -> ActionSpec:
    version = headers.get("X-TC-Version")
    if not version:
        raise ApiError(Code.MISSING_PARAMETER,
                       "The request is missing a required parameter `Version`.")
    if version != API_VERSION:
        raise ApiError(Code.NO_SUCH_VERSION,
                       f"The API version `{version}` does not exist; the Live API is "
                       f"{API_VERSION}.")
    action = headers.get("X-TC-Action")
    if not action:
        raise ApiError(Code.MISSING_PARAMETER,
                       "The request is missing a required parameter `Action`.")
    spec = ACTIONS.get(action)
    if spec is None:
        raise ApiError(Code.INVALID_ACTION, f"The action `{action}` is not supported.")
    return spec


def _check_region(region: str | None, action: str) -> None:
    if not region:
        raise ApiError(Code.MISSING_PARAMETER,
                       "The request is missing a required parameter `Region`.")
    if region not in SUPPORTED_REGIONS:
        raise ApiError(Code.UNSUPPORTED_REGION,
                       f"The region `{region}` is not supported by {action}.")


def _json_reply(call: _Call, fields: Mapping[str, Any], outcome: str) -> _Reply:
    body = json.dumps({"Response": {**fields, "RequestId": call.request_id}}, ensure_ascii=False)
    return _Reply(200, body.encode(), JSON_CONTENT_TYPE, outcome)


def _error_reply(call: _Call, err: ApiError) -> _Reply:
    return _json_reply(call, {"Error": {"Code": err.code, "Message": err.message}}, err.code)


def _replacement_reply(call: _Call, fault: Fault) -> _Reply:
    """The reply a fault puts in place of the normal one (dropping is handled by the caller)."""
    if fault.http_status is not None:
        return _Reply(fault.http_status, fault.http_body.encode(), "text/html",
                      f"HTTP {fault.http_status}")
    if fault.error is not None:
        return _error_reply(call, ApiError(*fault.error))
    truncated = b'{"Response": {"RequestId": "' + call.request_id.encode()[:8]
    return _Reply(200, truncated, JSON_CONTENT_TYPE, "malformed")


async def _sleep(request: web.Request, seconds: float) -> None:
    """Sleep, but wake early when the server shuts down so that stop() never waits on a delay."""
    stopping = request.app[_STOPPING_KEY]
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), seconds)


async def _wake_delays(app: web.Application) -> None:
    app[_STOPPING_KEY].set()


def _client_gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


# --------------------------------------------------------------------------------------------
# python -m bot.tencent.emulator
# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    """Serve the emulator on 127.0.0.1 in the foreground, for manual use with the SDK or curl."""
    parser = argparse.ArgumentParser(
        description="Serve the Tencent Live API emulator on 127.0.0.1 (for manual use).")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--secret-id", default=DEFAULT_SECRET_ID)
    parser.add_argument("--secret-key", default=DEFAULT_SECRET_KEY)
    parser.add_argument("--page-size", type=int, default=DEFAULT_PAGE_SIZE,
                        help="tasks per DescribeRecordTask page")
    args = parser.parse_args(argv)
    emulator = LiveEmulator({args.secret_id: args.secret_key}, page_size=args.page_size)
    print(f"Live API emulator on http://127.0.0.1:{args.port} (SecretId {args.secret_id}); "
          f"HttpProfile(protocol='http', endpoint='127.0.0.1:{args.port}')", flush=True)
    web.run_app(emulator.make_app(), host="127.0.0.1", port=args.port, print=None)


if __name__ == "__main__":
    main()
