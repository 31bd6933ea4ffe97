from bot.recording.command import (
    CancelTask,
    ListRecordings,
    OpenForm,
    Schedule,
    ShowHelp,
    StopTask,
    parse_command,
)


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
    assert "time" in parse_command("livetest").reason or "when" in parse_command("livetest").reason
    assert "number" in parse_command("livetest tomorrow 8pm to 10pm template=abc").reason
    assert "stream" in parse_command("domain=x.com livetest 8pm").reason
    assert "value" in parse_command("livetest 8pm-10pm app=").reason
    assert "3000" in parse_command("x " * 2000).reason


def test_management_commands():
    assert parse_command("list") == ListRecordings()
    assert parse_command("list livetest") == ListRecordings(stream="livetest")
    assert parse_command("stop Abc123") == StopTask("Abc123")
    assert parse_command("cancel Abc123") == CancelTask("Abc123")
    assert "TaskId" in parse_command("stop").reason
    assert "at most a stream" in parse_command("list a b").reason
