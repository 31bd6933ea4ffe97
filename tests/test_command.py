import pytest

from bot.recording.command import (
    CancelTask,
    ListRecordings,
    OpenForm,
    Schedule,
    ShowHelp,
    StopTask,
    UsageProblem,
    parse_command,
)
from bot.slack.blocks.help import usage_problem_text
from bot.slack.i18n import EN


def reason(text: str) -> str:
    command = parse_command(text)
    assert isinstance(command, ShowHelp) and command.problem is not None, command
    said = usage_problem_text(EN, command)
    assert said
    return said


def test_stream_then_time_phrase():
    assert parse_command("livetest tomorrow 8pm to 10pm") == Schedule(
        stream="livetest", when_text="tomorrow 8pm to 10pm"
    )


def test_options_anywhere_after_the_stream():
    cmd = parse_command("livetest domain=push.example.com tomorrow 8pm app=show to 10pm "
                        "template=42 mixed")
    assert cmd == Schedule(
        stream="livetest", when_text="tomorrow 8pm to 10pm", domain="push.example.com",
        app="show", template_id=42, mixed=True,
    )


def test_chinese_time_phrase_is_kept_whole():
    assert parse_command("livetest 明天晚上8点到10点") == Schedule(
        stream="livetest", when_text="明天晚上8点到10点"
    )


def test_empty_and_new_open_the_form():
    assert parse_command("") == OpenForm()
    assert parse_command("  new ") == OpenForm()


def test_help_and_unusable_input_show_help_with_a_reason():
    assert parse_command("help") == ShowHelp()
    assert "when" in reason("livetest")
    assert "number" in reason("livetest tomorrow 8pm to 10pm template=abc")
    assert "stream" in reason("domain=x.com livetest 8pm")
    assert "value" in reason("livetest 8pm-10pm app=")
    assert "3000" in reason("x " * 2000)


def test_management_commands():
    assert parse_command("list") == ListRecordings()
    assert parse_command("list livetest") == ListRecordings(stream="livetest")
    assert parse_command("stop Abc123") == StopTask("Abc123")
    assert parse_command("cancel Abc123") == CancelTask("Abc123")
    assert "TaskId" in reason("stop")
    assert "at most a stream" in reason("list a b")


@pytest.mark.parametrize("text", [
    "tomorrow 8pm to 10pm", "tonight 8 to 10pm", "now for 2 hours", "today 20:00-22:00",
    "in 10 minutes for 1 hour", "明天晚上8点到10点", "今晚8点到10点", "next friday 2pm to 4pm",
    "8pm to 10pm",
])
def test_a_time_phrase_first_means_the_stream_is_missing(text):
    command = parse_command(text)
    assert isinstance(command, ShowHelp) and command.problem is UsageProblem.NO_STREAM
    said = reason(text)
    assert f"/record livetest {text}" in said and "stream=" in said


def test_a_stream_named_like_a_time_is_named_with_stream_option():
    assert parse_command("stream=tomorrow tomorrow 8pm to 10pm domain=a.example.com") == Schedule(
        stream="tomorrow", when_text="tomorrow 8pm to 10pm", domain="a.example.com")
    assert parse_command("stream=list tonight 8pm to 10pm") == Schedule(
        stream="list", when_text="tonight 8pm to 10pm")


@pytest.mark.parametrize(("text", "meant"), [
    ("lsit", "/record list"), ("stp UpTbk5RSV", "/record stop UpTbk5RSV"),
    ("cancle UpTbk5RSV", "/record cancel UpTbk5RSV"), ("hlep", "/record help"),
])
def test_a_mistyped_command_word_is_suggested(text, meant):
    command = parse_command(text)
    assert isinstance(command, ShowHelp) and command.problem is UsageProblem.DID_YOU_MEAN
    assert meant in reason(text)


def test_a_stream_that_looks_like_a_command_word_still_schedules_with_a_time():
    assert parse_command("lists tomorrow 8pm to 10pm") == Schedule(
        stream="lists", when_text="tomorrow 8pm to 10pm")


@pytest.mark.parametrize(("text", "kind"), [
    ("帮助", ShowHelp), ("幫助", ShowHelp), ("新建", OpenForm), ("表单", OpenForm),
    ("表單", OpenForm), ("列表", ListRecordings), ("列表 livetest", ListRecordings),
])
def test_chinese_command_words_in_either_script(text, kind):
    assert isinstance(parse_command(text), kind)


def test_pad_option():
    from datetime import timedelta

    cmd = parse_command("show every friday 20:00-22:00 pad=5m")
    assert cmd == Schedule(stream="show", when_text="every friday 20:00-22:00",
                           pad=timedelta(minutes=5))
    assert parse_command("show tomorrow 8pm to 10pm pad=90s").pad == timedelta(seconds=90)
    assert "pad=3h" in reason("show tomorrow 8pm to 10pm pad=3h")  # at most 2 h
    assert "pad=soon" in reason("show tomorrow 8pm to 10pm pad=soon")
