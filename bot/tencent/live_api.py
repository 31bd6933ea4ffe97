"""Tencent Live over the SDK's async LiveClient: the recording use cases' ``LiveApi`` port
(bot.recording.ports), plus the callback configuration calls `recordbot callbacks setup` makes.

Each failure is classified by what it means for the recording:
- ``TencentRejected``: Tencent answered with an error code, so no task was created;
- ``OutcomeUnknown``: the answer never arrived or could not be read (network error, timeout,
  HTTP 5xx, garbled body, or a success without a TaskId), so a task may exist.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from typing import Protocol

import httpx
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.live.v20180801 import models
from tencentcloud.live.v20180801.live_client_async import LiveClient

from bot.recording.ports import (
    NO_METRICS,
    CreatedTask,
    LiveApi,
    LiveApiError,
    Metrics,
    OutcomeUnknown,
    RecordTaskInfo,
    RecordTaskSpec,
    RecordTemplate,
    TencentRejected,
)

log = logging.getLogger(__name__)

# Codes the SDK itself raises when no usable answer came back from Tencent.
_TRANSPORT_CODES = {"ClientNetworkError", "ServerNetworkError"}

#: Every code an ``OutcomeUnknown`` raised here carries (the SDK's and the bot's own).
UNKNOWN_OUTCOME_CODES = frozenset({*_TRANSPORT_CODES, "Timeout", "MalformedResponse",
                                   "NoTaskId", "NoTemplateId"})


@dataclass(frozen=True)
class CallbackTemplateSpec:
    """A callback template: where Tencent posts each kind of event, and the key it signs with."""

    name: str
    callback_key: str = field(repr=False)
    stream_begin_url: str | None = None
    stream_end_url: str | None = None
    record_url: str | None = None
    record_status_url: str | None = None
    description: str = ""


@dataclass(frozen=True)
class CallbackTemplate:
    """A callback template as DescribeLiveCallbackTemplates lists it (the key left out)."""

    template_id: int
    name: str
    stream_begin_url: str
    stream_end_url: str
    record_url: str


@dataclass(frozen=True)
class CreatedTemplate:
    template_id: int
    request_id: str


class ConfigurableLiveApi(LiveApi, Protocol):
    """The port, plus the callback configuration APIs (`recordbot callbacks setup`)."""

    async def create_callback_template(self, spec: CallbackTemplateSpec) -> CreatedTemplate: ...

    async def create_callback_rule(self, domain_name: str, app_name: str,
                                   template_id: int) -> str: ...

    async def describe_callback_templates(self) -> list[CallbackTemplate]: ...

    async def close(self) -> None: ...


__all__ = [
    "CallbackTemplate", "CallbackTemplateSpec", "ConfigurableLiveApi", "CreatedTask",
    "CreatedTemplate", "LiveApi", "LiveApiError", "OutcomeUnknown", "RecordTaskInfo",
    "RecordTaskSpec", "RecordTemplate", "TencentLiveApi", "TencentRejected",
]


def _short(text: object, limit: int = 300) -> str:
    s = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    s = " ".join(s.split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


class TencentLiveApi:
    """LiveApi over ``tencentcloud.live.v20180801.live_client_async.LiveClient``."""

    def __init__(
        self,
        secret_id: str,
        secret_key: str,
        region: str,
        endpoint: str,
        scheme: str = "https",
        timeout: int = 10,
        metrics: Metrics = NO_METRICS,
    ) -> None:
        """``metrics`` hears of every request sent: its action, time and error code."""
        self._metrics = metrics
        # protocol must be given to the constructor: the SDK copies it into `scheme` there.
        http_profile = HttpProfile(protocol=scheme, endpoint=endpoint, reqTimeout=timeout)
        profile = ClientProfile(httpProfile=http_profile, language="en-US")
        self._client = LiveClient(credential.Credential(secret_id, secret_key), region, profile)

    async def close(self) -> None:
        await self._client.close()

    async def create_record_task(self, spec: RecordTaskSpec) -> CreatedTask:
        req = models.CreateRecordTaskRequest()
        req.StreamName = spec.stream_name
        req.DomainName = spec.domain_name
        req.AppName = spec.app_name
        req.StartTime = spec.start_time
        req.EndTime = spec.end_time
        req.StreamType = spec.stream_type
        if spec.template_id is not None:
            req.TemplateId = spec.template_id
        resp = await self._call(self._client.CreateRecordTask, req)
        if not resp.TaskId:
            # The SDK skips error parsing for an unexpected Content-Type and hands back an empty
            # model; a missing TaskId means we do not know what happened.
            raise OutcomeUnknown(
                "NoTaskId",
                "Tencent's answer carried no TaskId, so the bot cannot tell whether the task "
                "was created.",
                resp.RequestId,
            )
        return CreatedTask(task_id=resp.TaskId, request_id=resp.RequestId or "")

    async def describe_record_tasks(
        self, start_time: int, end_time: int, stream_name: str | None = None,
        domain_name: str | None = None, app_name: str | None = None,
    ) -> list[RecordTaskInfo]:
        """Every task whose whole window lies in [start_time, end_time], following ScrollToken.

        Tencent requires the span to be at most a week and to start within the last 90 days.
        """
        tasks: list[RecordTaskInfo] = []
        token: str | None = None
        for _ in range(1000):  # a bound, in case a token never runs out
            req = models.DescribeRecordTaskRequest()
            req.StartTime, req.EndTime = start_time, end_time
            req.StreamName, req.DomainName, req.AppName = stream_name, domain_name, app_name
            req.ScrollToken = token
            resp = await self._call(self._client.DescribeRecordTask, req)
            for t in resp.TaskList or []:
                tasks.append(RecordTaskInfo(
                    task_id=t.TaskId, stream_name=t.StreamName, domain_name=t.DomainName,
                    app_name=t.AppName, start_time=int(t.StartTime), end_time=int(t.EndTime),
                    template_id=int(t.TemplateId or 0), stopped=int(t.Stopped or 0),
                ))
            token = resp.ScrollToken
            if not token or not resp.TaskList:
                break
        return tasks

    async def stop_record_task(self, task_id: str) -> str:
        req = models.StopRecordTaskRequest()
        req.TaskId = task_id
        return (await self._call(self._client.StopRecordTask, req)).RequestId or ""

    async def delete_record_task(self, task_id: str) -> str:
        req = models.DeleteRecordTaskRequest()
        req.TaskId = task_id
        return (await self._call(self._client.DeleteRecordTask, req)).RequestId or ""

    async def describe_record_templates(self) -> list[RecordTemplate]:
        req = models.DescribeLiveRecordTemplatesRequest()
        resp = await self._call(self._client.DescribeLiveRecordTemplates, req)
        templates = []
        for t in resp.Templates or []:
            formats = tuple(
                name for name, param in (("HLS", t.HlsParam), ("MP4", t.Mp4Param),
                                         ("FLV", t.FlvParam), ("AAC", t.AacParam),
                                         ("MP3", t.Mp3Param))
                if param is not None and param.Enable == 1
            )
            templates.append(RecordTemplate(int(t.TemplateId), t.TemplateName or "", formats))
        return templates

    async def create_callback_template(self, spec: CallbackTemplateSpec) -> CreatedTemplate:
        req = models.CreateLiveCallbackTemplateRequest()
        req.TemplateName = spec.name
        req.Description = spec.description or None
        req.StreamBeginNotifyUrl = spec.stream_begin_url
        req.StreamEndNotifyUrl = spec.stream_end_url
        req.RecordNotifyUrl = spec.record_url
        req.RecordStatusNotifyUrl = spec.record_status_url
        req.CallbackKey = spec.callback_key
        resp = await self._call(self._client.CreateLiveCallbackTemplate, req)
        if resp.TemplateId is None:
            raise OutcomeUnknown("NoTemplateId", "Tencent's answer carried no TemplateId.",
                                 resp.RequestId)
        return CreatedTemplate(int(resp.TemplateId), resp.RequestId or "")

    async def create_callback_rule(self, domain_name: str, app_name: str,
                                   template_id: int) -> str:
        req = models.CreateLiveCallbackRuleRequest()
        req.DomainName, req.AppName, req.TemplateId = domain_name, app_name, template_id
        return (await self._call(self._client.CreateLiveCallbackRule, req)).RequestId or ""

    async def describe_callback_templates(self) -> list[CallbackTemplate]:
        req = models.DescribeLiveCallbackTemplatesRequest()
        resp = await self._call(self._client.DescribeLiveCallbackTemplates, req)
        return [
            CallbackTemplate(int(t.TemplateId), t.TemplateName or "",
                             t.StreamBeginNotifyUrl or "", t.StreamEndNotifyUrl or "",
                             t.RecordNotifyUrl or "")
            for t in resp.Templates or []
        ]

    async def _call(self, method, req):  # type: ignore[no-untyped-def]
        started = time.monotonic()
        code: str | None = None
        try:
            return await self._send(method, req)
        except LiveApiError as e:
            code = e.code
            raise
        finally:
            self._metrics.tencent_call(method.__name__, time.monotonic() - started, code)

    async def _send(self, method, req):  # type: ignore[no-untyped-def]
        try:
            return await method(req)
        except TencentCloudSDKException as e:
            code = e.get_code() or "UnknownError"
            if code in _TRANSPORT_CODES:
                raise OutcomeUnknown(code, _short(e.get_message()), e.get_request_id()) from e
            raise TencentRejected(code, _short(e.get_message()), e.get_request_id()) from e
        except httpx.TimeoutException as e:
            raise OutcomeUnknown("Timeout", "Tencent did not answer in time.") from e
        except httpx.TransportError as e:
            raise OutcomeUnknown("ClientNetworkError", _short(e) or type(e).__name__) from e
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
            raise OutcomeUnknown(
                "MalformedResponse", f"Tencent's answer could not be read ({type(e).__name__})."
            ) from e
