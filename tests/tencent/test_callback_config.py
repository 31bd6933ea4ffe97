"""CreateLiveCallbackTemplate / CreateLiveCallbackRule / DescribeLiveCallback*: the emulator's
rules through the real SDK, and the bot's LiveApi and GuardedLiveApi over them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from tencentcloud.common.exception import TencentCloudSDKException
from tencentcloud.live.v20180801 import models

from bot.sandbox.live import Code, Fault, LiveEmulator
from bot.tencent.live_api import (
    CallbackTemplateSpec,
    OutcomeUnknown,
    TencentLiveApi,
    TencentRejected,
)
from bot.tencent.policy import GuardedLiveApi, RetryPolicy, SharedRateLimit
from tests.tencent.helpers import APP, DOMAIN, REGION, sync_client

URL = "https://bot.example.com/tencent/callback"


def template_request(**fields: Any) -> models.CreateLiveCallbackTemplateRequest:
    values: dict[str, Any] = {"TemplateName": "recordbot", "RecordNotifyUrl": URL,
                              "CallbackKey": "k3y"}
    values.update(fields)
    request = models.CreateLiveCallbackTemplateRequest()
    for name, value in values.items():
        setattr(request, name, value)
    return request


def rule_request(template_id: int, domain: str = DOMAIN,
                 app: str = APP) -> models.CreateLiveCallbackRuleRequest:
    request = models.CreateLiveCallbackRuleRequest()
    request.DomainName, request.AppName, request.TemplateId = domain, app, template_id
    return request


def refused(call: Any, request: Any) -> str:
    with pytest.raises(TencentCloudSDKException) as caught:
        call(request)
    return caught.value.get_code()


def test_a_template_and_its_rule_are_created_and_listed(live: LiveEmulator) -> None:
    client = sync_client(live)
    created = client.CreateLiveCallbackTemplate(template_request(
        TemplateName="录制_bot-1", StreamBeginNotifyUrl=URL, RecordExceptionLevels=["error"]))
    client.CreateLiveCallbackRule(rule_request(created.TemplateId))
    [template] = client.DescribeLiveCallbackTemplates(
        models.DescribeLiveCallbackTemplatesRequest()).Templates
    assert (template.TemplateId, template.TemplateName) == (created.TemplateId, "录制_bot-1")
    assert template.RecordNotifyUrl == URL and template.CallbackKey == "k3y"
    [rule] = client.DescribeLiveCallbackRules(models.DescribeLiveCallbackRulesRequest()).Rules
    assert (rule.DomainName, rule.AppName, rule.TemplateId) == (DOMAIN, APP, created.TemplateId)


@pytest.mark.parametrize(("fields", "code"), [
    ({"TemplateName": None}, Code.MISSING_PARAMETER),
    ({"TemplateName": "has space"}, Code.INVALID_PARAMETER_VALUE),
    ({"TemplateName": "录" * 86}, Code.INVALID_PARAMETER_VALUE),  # 258 bytes
    ({"RecordNotifyUrl": None}, Code.INVALID_PARAMETER),  # no URL at all
    ({"RecordNotifyUrl": "ftp://x.example.com/cb"}, Code.INVALID_CALLBACK_URL),
    ({"RecordExceptionLevels": ["fatal"]}, Code.INVALID_PARAMETER_VALUE),
    ({"Description": "x" * 1025}, Code.INVALID_PARAMETER_VALUE),
])
def test_template_rules(live: LiveEmulator, fields: dict[str, Any], code: str) -> None:
    assert refused(sync_client(live).CreateLiveCallbackTemplate, template_request(**fields)) \
        == code
    assert live.callback_templates == []


def test_at_most_fifty_templates(live: LiveEmulator) -> None:
    client = sync_client(live)
    for i in range(50):
        client.CreateLiveCallbackTemplate(template_request(TemplateName=f"t{i}"))
    assert refused(client.CreateLiveCallbackTemplate, template_request()) == Code.CONF_OUT_LIMIT


def test_rule_rules(live: LiveEmulator) -> None:
    client = sync_client(live)
    assert refused(client.CreateLiveCallbackRule, rule_request(999)) == Code.CONF_NOT_FOUND
    template_id = client.CreateLiveCallbackTemplate(template_request()).TemplateId
    client.CreateLiveCallbackRule(rule_request(template_id))
    assert refused(client.CreateLiveCallbackRule, rule_request(template_id)) \
        == Code.RULE_ALREADY_EXIST
    client.CreateLiveCallbackRule(rule_request(template_id, app="other"))
    assert len(live.callback_rules) == 2


def test_an_unsigned_call_learns_nothing(live: LiveEmulator) -> None:
    code = refused(sync_client(live, secret_key="wrong").CreateLiveCallbackTemplate,
                   template_request())
    assert code == Code.SIGNATURE_FAILURE and live.callback_templates == []


# ---- the bot's LiveApi and its guard ---------------------------------------------------------


@pytest.fixture
async def guarded(live: LiveEmulator) -> AsyncIterator[GuardedLiveApi]:
    async def no_sleep(seconds: float) -> None:
        return None

    inner = TencentLiveApi(*live.default_credentials, REGION, live.endpoint, "http", 5)
    api = GuardedLiveApi(inner, SharedRateLimit(), RetryPolicy(attempts=3, sleep=no_sleep))
    yield api
    await api.close()


SPEC = CallbackTemplateSpec(name="recordbot", callback_key="k3y", stream_begin_url=URL,
                            stream_end_url=URL, record_url=URL, record_status_url=URL)


async def test_create_template_and_rule_through_the_guard(live: LiveEmulator,
                                                          guarded: GuardedLiveApi) -> None:
    created = await guarded.create_callback_template(SPEC)
    assert created.request_id
    await guarded.create_callback_rule(DOMAIN, APP, created.template_id)
    [listed] = await guarded.describe_callback_templates()
    assert (listed.template_id, listed.name, listed.record_url) == (
        created.template_id, "recordbot", URL)
    [template] = live.callback_templates
    assert template["RecordStatusNotifyUrl"] == URL and template["CallbackKey"] == "k3y"
    assert "k3y" not in repr(SPEC)


async def test_throttling_is_retried_but_a_lost_template_answer_is_not(
    live: LiveEmulator, guarded: GuardedLiveApi
) -> None:
    live.inject(Fault.throttle(0, action="CreateLiveCallbackTemplate", times=1))
    await guarded.create_callback_template(SPEC)
    assert len(live.calls("CreateLiveCallbackTemplate")) == 2
    live.inject(Fault.drop(action="CreateLiveCallbackTemplate", takes_effect=True, times=1))
    with pytest.raises(OutcomeUnknown):
        await guarded.create_callback_template(SPEC)
    assert len(live.calls("CreateLiveCallbackTemplate")) == 3  # no blind second create


async def test_a_rule_made_by_an_attempt_whose_answer_was_lost_counts(
    live: LiveEmulator, guarded: GuardedLiveApi
) -> None:
    created = await guarded.create_callback_template(SPEC)
    live.inject(Fault.drop(action="CreateLiveCallbackRule", takes_effect=True, times=1))
    await guarded.create_callback_rule(DOMAIN, APP, created.template_id)
    assert len(live.callback_rules) == 1


async def test_configuration_errors_are_not_retried(live: LiveEmulator,
                                                    guarded: GuardedLiveApi) -> None:
    created = await guarded.create_callback_template(SPEC)
    await guarded.create_callback_rule(DOMAIN, APP, created.template_id)
    with pytest.raises(TencentRejected) as caught:
        await guarded.create_callback_rule(DOMAIN, APP, created.template_id)
    assert caught.value.code == Code.RULE_ALREADY_EXIST
    assert len(live.calls("CreateLiveCallbackRule")) == 2
