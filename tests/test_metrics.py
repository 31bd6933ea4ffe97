"""bot.metrics on its own: bounded labels, and registries that do not mix."""

from __future__ import annotations

from bot.metrics import PrometheusMetrics, bounded_code
from bot.recording.ports import CallbackResult, ScheduleOutcome, Surface

KNOWN = frozenset({"InvalidParameter", "ResourceNotFound.StopService", "Timeout"})


def test_a_known_code_is_itself_an_unknown_sub_code_its_family_anything_else_other():
    assert bounded_code("ResourceNotFound.StopService", KNOWN) == "ResourceNotFound.StopService"
    assert bounded_code("InvalidParameter.Whatever.Deeper", KNOWN) == "InvalidParameter"
    assert bounded_code("ResourceNotFound.Other", KNOWN) == "other"
    assert bounded_code("U0SHANGHAI", KNOWN) == "other"
    assert bounded_code("", KNOWN) == "other"
    assert bounded_code(None, KNOWN) == "other"


def test_codes_are_bounded_for_tencent_errors_and_unknown_outcomes_only():
    m = PrometheusMetrics(KNOWN, process=False)
    m.scheduled(ScheduleOutcome.TENCENT_ERROR, "Made.Up")
    m.scheduled(ScheduleOutcome.UNKNOWN, "Timeout")
    m.scheduled(ScheduleOutcome.REFUSED, "duplicate")
    m.tencent_call("CreateRecordTask", 0.2, "Made.Up")
    m.callback(12345, CallbackResult.KEPT)
    m.callback(None, CallbackResult.REFUSED)
    text = m.render().decode()
    assert 'recordbot_schedule_outcomes_total{outcome="tencent_error",reason="other"} 1.0' in text
    assert 'recordbot_schedule_outcomes_total{outcome="unknown",reason="Timeout"} 1.0' in text
    assert 'recordbot_schedule_outcomes_total{outcome="refused",reason="duplicate"} 1.0' in text
    assert 'recordbot_tencent_call_errors_total{action="CreateRecordTask",code="other"} 1.0' in text
    assert 'recordbot_tencent_callbacks_total{event="other",result="kept"} 1.0' in text
    assert 'recordbot_tencent_callbacks_total{event="unreadable",result="refused"} 1.0' in text
    assert "Made.Up" not in text and "12345" not in text


def test_two_bots_in_one_process_keep_their_own_counts():
    one, two = PrometheusMetrics(process=False), PrometheusMetrics(process=False)
    one.request(Surface.FORM)
    assert 'recordbot_requests_total{surface="form"} 1.0' in one.render().decode()
    assert 'recordbot_requests_total{surface="form"} 0.0' in two.render().decode()


def test_the_backlog_is_left_out_when_the_database_could_not_be_read():
    m = PrometheusMetrics(process=False)
    m.set_backlog(4)
    assert "recordbot_outbox_backlog 4.0" in m.render().decode()
    m.set_backlog(None)
    assert "recordbot_outbox_backlog " not in m.render().decode()
