"""The actions the emulator answers, with their parameters and handlers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

from bot.sandbox.live.codes import Params
from bot.sandbox.live.params import Param
from bot.sandbox.live.state import _CALLBACK_TEMPLATE_FIELDS, LiveState

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
