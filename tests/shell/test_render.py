"""Block Kit and mrkdwn as the shell prints them."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.shell.render import Button, Renderer

NOW = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


def renderer() -> Renderer:
    return Renderer(ZoneInfo("Asia/Shanghai"), me="U0ME", names={"U0SAM": "sam"},
                    clock=lambda: NOW)


def test_mrkdwn_marks_dropped_code_kept_entities_unescaped():
    r = renderer()
    assert r.mrkdwn("*Stream* `a&lt;b` _soon_ ~gone~") == "Stream `a<b` soon gone"
    assert r.mrkdwn("*`/record` schedules*") == "`/record` schedules"
    assert r.mrkdwn("snake_case_name and 2*3*4") == "snake_case_name and 2*3*4"
    assert r.mrkdwn("`*not bold*` &amp;lt;") == "`*not bold*` &lt;"


def test_tokens_mentions_and_emoji():
    r = renderer()
    assert r.mrkdwn("<@U0ME> and <@U0SAM> and <@U0OTHER>") == "@you and @sam and @U0OTHER"
    assert r.mrkdwn("<#C1|ops> <!here> <https://x.example|docs>") == (
        "#ops @here docs (https://x.example)")
    assert r.mrkdwn(":white_check_mark: :made_up:") == "✅ :made_up:"


def test_dates_in_the_readers_zone():
    r = renderer()
    tomorrow_8pm = int(datetime(2026, 3, 11, 12, 0, tzinfo=UTC).timestamp())
    token = f"<!date^{tomorrow_8pm}^{{date_short_pretty}} {{time}}|fallback>"
    assert r.mrkdwn(token) == "tomorrow 20:00"
    later = int(datetime(2026, 3, 20, 12, 0, tzinfo=UTC).timestamp())
    assert r.mrkdwn(f"<!date^{later}^{{date_short_pretty}} {{time}}|x>") == "Fri 20 Mar 20:00"
    next_year = int(datetime(2027, 1, 4, 12, 0, tzinfo=UTC).timestamp())
    assert r.mrkdwn(f"<!date^{next_year}^{{date_short}}|x>") == "Mon 4 Jan 2027"
    assert r.mrkdwn(f"<!date^{later}^{{date_num}} {{unknown}}|the fallback>") == "the fallback"


def test_sections_fields_context_and_numbered_buttons():
    msg = {"blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": ":clapper: *Request*"}},
        {"type": "section", "fields": [
            {"type": "mrkdwn", "text": "*Stream*\n`livetest`"},
            {"type": "mrkdwn", "text": "*Requested by*\n<@U0ME>"},
        ]},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "small print"}]},
        {"type": "actions", "block_id": "manage", "elements": [
            {"type": "button", "text": {"type": "plain_text", "text": "Stop"},
             "action_id": "stop", "value": "7"},
        ]},
    ], "text": "fallback"}
    pressed: list[Button] = []
    rendered = renderer().message(msg, lambda b: pressed.append(b) or 5)
    assert rendered.lines == ["🎬 Request", "Stream: `livetest`", "Requested by: @you",
                              "small print", "[5] Stop"]
    assert pressed == [Button("Stop", "stop", "manage", "7")]


def test_a_message_without_blocks_shows_its_text():
    assert renderer().message({"text": "*hi* there"}, lambda b: 0).lines == ["hi there"]


def test_every_emoji_the_bot_uses_is_drawn():
    import re
    from pathlib import Path

    from bot.shell.render import EMOJI

    slack = Path(__file__).resolve().parents[2] / "bot" / "slack"
    used = {m for f in slack.rglob("*.py") for m in re.findall(r":([a-z_]+):", f.read_text())}
    assert used and used <= set(EMOJI), sorted(used - set(EMOJI))
