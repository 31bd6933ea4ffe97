"""`/record help`: every example it shows is one the bot would schedule at that moment."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.recording.command import Schedule, parse_command
from bot.recording.model import RecordRequest
from bot.recording.plan import plan_recording
from bot.slack.blocks.help import help_examples, help_message
from bot.slack.i18n import EN, Lang, Tr

# Every hour of two weeks, for readers in zones either side of the one "today" was taken in.
MOMENTS = [datetime(2026, 12, 28, tzinfo=ZoneInfo("UTC")) + timedelta(hours=h)
           for h in range(0, 14 * 24, 5)]
READERS = ("Pacific/Kiritimati", "Asia/Shanghai", "Europe/Berlin", "America/Los_Angeles",
           "Pacific/Pago_Pago")


@pytest.mark.parametrize("now", MOMENTS, ids=lambda m: m.strftime("%a %d %b %H:00"))
def test_every_example_shown_would_be_scheduled_then(now):
    english, chinese = help_examples(EN, now.date())
    for example in english + chinese:
        command = parse_command(example.removeprefix("/record "))
        assert isinstance(command, Schedule), example
        for reader in READERS:
            request = RecordRequest("T1", "C1", "U1", command.stream, command.when_text,
                                    command.domain or "push.example.com", "live")
            plan_recording(request, now.astimezone(ZoneInfo(reader)))  # raises if refused


def test_the_help_shows_both_languages_and_no_fixed_date():
    text = str(help_message(EN, datetime(2026, 12, 28).date())["blocks"])
    assert "/record livetest tomorrow 8pm to 10pm" in text and "明天晚上8点到10点" in text
    assert "2026-12-31" in text and "2026-12-03" not in text
    assert "next friday" not in text and "下周五" not in text


@pytest.mark.parametrize("lang", [Lang.ZH_HANS, Lang.ZH_HANT], ids=str)
@pytest.mark.parametrize("now", MOMENTS[::7], ids=lambda m: m.strftime("%a %d %b %H:00"))
def test_the_chinese_examples_in_each_script_would_be_scheduled_then(lang, now):
    english, chinese = help_examples(Tr.of(lang), now.date())
    assert english == help_examples(EN, now.date())[0]
    for example in chinese:
        command = parse_command(example.removeprefix("/record "))
        assert isinstance(command, Schedule), example
        request = RecordRequest("T1", "C1", "U1", command.stream, command.when_text,
                                "push.example.com", "live")
        plan_recording(request, now.astimezone(ZoneInfo("Asia/Shanghai")))


def test_traditional_readers_see_traditional_examples():
    _, chinese = help_examples(Tr.of(Lang.ZH_HANT), datetime(2026, 12, 28).date())
    shown = "".join(chinese)
    assert "點" in shown and "点" not in shown
