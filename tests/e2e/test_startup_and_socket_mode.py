"""Starting the bot: bad settings stop it with one message; Socket Mode serves /record too."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.e2e.conftest import CHANNEL, bot_env
from tests.e2e.test_record_command import expected_window, root_and_thread
from tests.support.botproc import BotProcess
from tests.support.slack import slash_command_payload


def test_bad_settings_stop_the_start_naming_each_without_secrets(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", ""),
        "SLACK_BOT_TOKEN": "xoxp-user",
        "TENCENTCLOUD_SECRET_KEY": "very-secret-tencent-key",
        "PORT": "eighty",
    }
    proc = subprocess.run([sys.executable, "-m", "bot"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "TENCENTCLOUD_SECRET_ID",
                 "LIVE_PUSH_DOMAIN", "PORT"):
        assert name in proc.stderr
    assert "very-secret-tencent-key" not in proc.stderr + proc.stdout
    assert "xoxp-user" not in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr


def test_socket_mode_schedules_a_recording(live, slack, tmp_path):
    env = bot_env(live, slack, tmp_path / "socket.db", SLACK_APP_TOKEN=slack.app_token)
    del env["SLACK_SIGNING_SECRET"]
    bot = BotProcess(env, tmp_path).start(wait_ready=False)
    try:
        slack.socket_mode.wait_connected(timeout=60)
        payload = slash_command_payload("socktest tomorrow 8pm to 10pm", user_id="U0SHANGHAI",
                                        channel_id=CHANNEL)
        ack = slack.socket_mode.send("slash_commands", payload, timeout=5)
        assert "socktest" in str(ack)
        _, reply = root_and_thread(slack, CHANNEL, "socktest")
        [params] = live.calls("CreateRecordTask")
        assert (params["StartTime"], params["EndTime"]) == expected_window("Asia/Shanghai", 20, 22)
        assert live.tasks[0].task_id in reply.params["text"]
    finally:
        assert bot.stop() == 0, bot.logs()
    assert "xapp-e2e-test" not in bot.logs() and "xoxb-e2e-test" not in bot.logs()
