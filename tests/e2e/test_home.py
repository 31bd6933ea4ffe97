"""App Home end to end: opening the Home tab publishes the control room, with the right
sections for each user, their buttons, and a button that opens the form."""

from __future__ import annotations

import time

from tests.e2e.conftest import SlackClient
from tests.e2e.test_manage import schedule
from tests.support.slack import app_home_opened_event, event_body, home_action_payload

TEAM = "T0HOMETAB"


def open_home(client: SlackClient, slack, user: str, team: str = TEAM) -> dict:
    before = len([c for c in slack.calls("views.publish") if c.params.get("user_id") == user])
    reply = client.post(event_body(app_home_opened_event(user), team_id=team))
    assert reply.status == 200
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        calls = [c for c in slack.calls("views.publish") if c.params.get("user_id") == user]
        if len(calls) > before:
            assert calls[-1].ok, calls[-1].describe()
            return slack.home(user)
        time.sleep(0.05)
    raise AssertionError("no views.publish")


def sections(view: dict) -> dict[str, dict[str, list[dict]]]:
    """{section header: {"Yours"|"The team's": [section blocks]}}."""
    found: dict[str, dict[str, list[dict]]] = {}
    head = group = None
    for block in view["blocks"]:
        if block["type"] == "header":
            head, group = block["text"]["text"], None
            found[head] = {}
        elif block["type"] == "context" and head and block["elements"][0]["text"] in (
                "*Yours*", "*The team's*", "*你的*", "*团队的*", "*團隊的*", "*Your series*",
                "*The team's series*", "*你的系列*", "*团队的系列*", "*團隊的系列*"):
            group = block["elements"][0]["text"].strip("*")
            found[head][group] = []
        elif block["type"] == "section" and head and group:
            found[head][group].append(block)
    return found


def of(blocks: list[dict], stream: str) -> dict:
    [block] = [b for b in blocks if f"`{stream}`" in b["text"]["text"]]
    return block


def test_app_home_shows_each_user_their_own_and_the_teams(client, slack):
    schedule(client, slack, "homelive", "for 1 hour", user="U0SHANGHAI", team=TEAM)
    schedule(client, slack, "homenext", "tomorrow 8pm to 10pm", user="U0SHANGHAI", team=TEAM)
    schedule(client, slack, "homeny", "tomorrow 8pm to 10pm", user="U0NEWYORK", team=TEAM)

    mei = sections(open_home(client, slack, "U0SHANGHAI"))
    live, upcoming = mei[":red_circle: Live now"], mei[":calendar: Upcoming"]
    mine_live = of(live["Yours"], "homelive")
    assert mine_live["accessory"]["action_id"] == "recording_stop"
    assert "The team's" not in live
    assert of(upcoming["Yours"], "homenext")["accessory"]["action_id"] == "recording_cancel"
    team_next = of(upcoming["The team's"], "homeny")
    assert "accessory" not in team_next  # not hers to cancel
    assert "<@U0NEWYORK>" in team_next["text"]["text"]

    sam = sections(open_home(client, slack, "U0NEWYORK"))
    assert of(sam[":calendar: Upcoming"]["Yours"], "homeny")["accessory"]["action_id"] == \
        "recording_cancel"
    theirs = of(sam[":red_circle: Live now"]["The team's"], "homelive")
    assert "accessory" not in theirs and "<@U0SHANGHAI>" in theirs["text"]["text"]
    assert "Yours" not in sam[":red_circle: Live now"]


def test_stop_from_app_home_stops_it_and_refreshes_the_tab(client, slack, live):
    ts, rid = schedule(client, slack, "homestop", "for 1 hour", user="U0SHANGHAI", team=TEAM)
    open_home(client, slack, "U0SHANGHAI")
    before = len(slack.calls("views.publish"))
    reply = client.interact(home_action_payload("recording_stop", str(rid), user_id="U0SHANGHAI",
                                                team_id=TEAM))
    assert reply.status == 200
    slack.wait_for("chat.postMessage", lambda c: c.params.get("thread_ts") == ts
                   and "stopped" in c.params.get("text", "").lower(), timeout=10)
    slack.wait_for("views.publish", lambda c: len(slack.calls("views.publish")) > before,
                   timeout=10)
    home = slack.home("U0SHANGHAI")
    assert "homestop" not in str(sections(home)[":red_circle: Live now"])
    [task] = [t for t in live.tasks if t.stream_name == "homestop"]
    assert task.stopped


def test_schedule_button_on_app_home_opens_the_form_with_a_channel_picker(client, slack):
    trigger = f"home-new-{time.monotonic_ns()}"
    reply = client.interact(home_action_payload("home_schedule", "new", user_id="U0SHANGHAI",
                                                team_id=TEAM, trigger_id=trigger))
    assert reply.status == 200
    call = slack.wait_for("views.open", lambda c: c.params.get("trigger_id") == trigger)
    assert call.ok, call.describe()
    blocks = call.params["view"]["blocks"]
    assert blocks[0]["block_id"] == "channel"
    assert blocks[0]["element"]["type"] == "conversations_select"


def test_app_home_is_in_the_users_language(client, slack):
    """The Home tab speaks its reader's Slack locale: Simplified for zh-CN, Traditional for
    zh-TW, whatever language the recordings were asked in."""
    schedule(client, slack, "homezh", "for 1 hour", user="U0BEIJING", team=TEAM)
    schedule(client, slack, "homezhnext", "tomorrow 8pm to 10pm", user="U0TAIPEI", team=TEAM)

    li = open_home(client, slack, "U0BEIJING")
    heads = [b["text"]["text"] for b in li["blocks"] if b["type"] == "header"]
    assert heads == [":red_circle: 进行中", ":calendar: 即将开始", ":checkered_flag: 最近结束",
                     ":x: 失败"]
    assert of(sections(li)[":red_circle: 进行中"]["你的"], "homezh")
    button = li["blocks"][0]["accessory"]
    assert button["text"]["text"] == "安排录制"

    chen = open_home(client, slack, "U0TAIPEI")
    heads = [b["text"]["text"] for b in chen["blocks"] if b["type"] == "header"]
    assert heads == [":red_circle: 進行中", ":calendar: 即將開始", ":checkered_flag: 最近結束",
                     ":x: 失敗"]
    assert of(sections(chen)[":calendar: 即將開始"]["你的"], "homezhnext")
    lis = of(sections(chen)[":red_circle: 進行中"]["團隊的"], "homezh")  # li's, seen by chen
    assert "申請人 <@U0BEIJING>" in lis["text"]["text"]
    assert chen["blocks"][0]["accessory"]["text"]["text"] == "排程錄製"
    assert "Live now" not in str(li) + str(chen)


def test_app_home_shows_a_series_and_cancels_it_from_there(client, slack, live):
    team = "T0HOMESERIES"  # its own workspace: only this series' recordings on its Home
    ack, _ = client.command("homeseries every day 8pm to 10pm 10 times", user="U0SHANGHAI",
                            team=team)
    assert ack.status == 200
    deadline = time.monotonic() + 10
    while len([t for t in live.tasks if t.stream_name == "homeseries"]) < 6 \
            and time.monotonic() < deadline:
        time.sleep(0.05)
    home = sections(open_home(client, slack, "U0SHANGHAI", team))
    upcoming = home[":calendar: Upcoming"]
    [line] = [b for b in upcoming["Your series"] if "`homeseries`" in b["text"]["text"]]
    assert "every day, 20:00–22:00" in line["text"]["text"]
    button = line["accessory"]
    assert button["action_id"] == "series_cancel"
    # The occurrence between 6 and 7 days ahead is planned: there too, with when its task is
    # created (one 20:00 falls in any 24 hours).
    assert any("`homeseries`" in b["text"]["text"] and "planned; its task is created from"
               in b["text"]["text"] for b in upcoming["Yours"])
    theirs = sections(open_home(client, slack, "U0NEWYORK", team))[":calendar: Upcoming"]
    [other] = [b for b in theirs["The team's series"] if "`homeseries`" in b["text"]["text"]]
    assert "accessory" not in other
    before = len(slack.calls("views.publish"))
    reply = client.interact(home_action_payload("series_cancel", button["value"],
                                                user_id="U0SHANGHAI", team_id=team))
    assert reply.status == 200
    slack.wait_for("chat.postMessage", lambda c: "cancelled the series" in
                   c.params.get("text", ""), timeout=10)
    slack.wait_for("views.publish", lambda c: len(slack.calls("views.publish")) > before,
                   timeout=10)
    assert "homeseries" not in str(sections(slack.home("U0SHANGHAI"))[":calendar: Upcoming"])
    # Every task of the series is gone, but the one recording now (20:00-22:00 in Shanghai is
    # under way at some hours of the day): that one was stopped, which keeps its file.
    left = [t for t in live.tasks if t.stream_name == "homeseries"]
    assert len(left) <= 1 and all(t.stopped for t in left), left
