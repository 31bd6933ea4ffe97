"""The emulated account: recording tasks, templates and callback configuration, and the rules of
each action.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import re
import secrets
import string
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Final

from bot.sandbox.live.codes import DAY, DEFAULT_PAGE_SIZE, ApiError, Code, Params


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
    """CreateRecordTask's time rules: the API page's StartTime ≤ now + 6 days and the SDK model
    docs' EndTime < now + 7 days (exclusive), as the bot obeys both."""
    rules = (
        (end > start, "EndTime must be later than StartTime."),
        (end > now, "EndTime must be later than the current time."),
        (end - start <= DAY, "EndTime - StartTime must not exceed 24 hours."),
        (end < now + 7 * DAY, "EndTime must be earlier than the current time plus 7 days."),
        (start <= now + 6 * DAY, "StartTime cannot be later than the current time plus 6 days."),
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
