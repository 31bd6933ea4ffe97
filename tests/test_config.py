import pytest

from bot.config import ConfigError, load_settings

GOOD = {
    "SLACK_BOT_TOKEN": "xoxb-1-abc",
    "SLACK_SIGNING_SECRET": "signing-secret-value",
    "TENCENTCLOUD_SECRET_ID": "AKIDexampleexample",
    "TENCENTCLOUD_SECRET_KEY": "tencent-secret-key-value",
    "LIVE_PUSH_DOMAIN": "push.example.com",
}


def test_defaults_for_a_minimal_http_setup():
    s = load_settings(GOOD)
    assert not s.socket_mode
    assert s.port == 3000
    assert s.tencent_region == "ap-guangzhou"
    assert (s.live_endpoint, s.live_scheme) == ("live.tencentcloudapi.com", "https")
    assert s.push_domains == ("push.example.com",)
    assert s.app_name == "live"
    assert s.database_url.startswith("sqlite+aiosqlite:///")
    assert s.default_timezone == "UTC"


def test_every_missing_setting_is_named_in_one_message():
    with pytest.raises(ConfigError) as err:
        load_settings({})
    text = str(err.value)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "TENCENTCLOUD_SECRET_ID",
                 "TENCENTCLOUD_SECRET_KEY", "LIVE_PUSH_DOMAIN"):
        assert name in text
    assert len(err.value.problems) == 5


def test_malformed_settings_are_named_without_printing_secrets():
    env = {
        **GOOD,
        "SLACK_BOT_TOKEN": "xoxp-usr",
        "SLACK_APP_TOKEN": "not-an-app-token-secret",
        "PORT": "http",
        "TENCENTCLOUD_REGION": "mars-1",
        "TENCENTCLOUD_LIVE_ENDPOINT": "ftp://x/y",
        "DEFAULT_TIMEZONE": "Mars/Olympus",
        "LIVE_PUSH_DOMAIN": "push.example.com, not a domain",
    }
    with pytest.raises(ConfigError) as err:
        load_settings(env)
    text = str(err.value)
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "PORT", "TENCENTCLOUD_REGION",
                 "TENCENTCLOUD_LIVE_ENDPOINT", "DEFAULT_TIMEZONE", "LIVE_PUSH_DOMAIN"):
        assert name in text
    for secret in ("xoxp-usr", "not-an-app-token-secret",
                   "tencent-secret-key-value", "signing-secret-value"):
        assert secret not in text


def test_socket_mode_does_not_need_a_signing_secret():
    env = {**GOOD, "SLACK_APP_TOKEN": "xapp-1-abc"}
    del env["SLACK_SIGNING_SECRET"]
    assert load_settings(env).socket_mode


def test_plain_http_endpoint_for_a_local_emulator():
    s = load_settings({**GOOD, "TENCENTCLOUD_LIVE_ENDPOINT": "http://127.0.0.1:8099"})
    assert (s.live_endpoint, s.live_scheme) == ("127.0.0.1:8099", "http")
    s = load_settings({**GOOD, "TENCENTCLOUD_LIVE_ENDPOINT": "live.intl.tencentcloudapi.com"})
    assert (s.live_endpoint, s.live_scheme) == ("live.intl.tencentcloudapi.com", "https")


def test_several_push_domains_first_is_default_and_urls_are_normalised():
    s = load_settings({
        **GOOD,
        "LIVE_PUSH_DOMAIN": "a.example.com, b.example.com",
        "DATABASE_URL": "postgresql://bot:pw-secret@db/recordbot",
        "SLACK_API_URL": "http://127.0.0.1:9/api",
    })
    assert s.default_push_domain == "a.example.com"
    assert s.push_domains == ("a.example.com", "b.example.com")
    assert s.database_url.startswith("postgresql+psycopg://")
    assert s.slack_api_url == "http://127.0.0.1:9/api/"
    assert "pw-secret" in s.secrets()


def test_repr_hides_secrets():
    text = repr(load_settings(GOOD))
    for secret in ("xoxb-1-abc", "signing-secret-value", "tencent-secret-key-value"):
        assert secret not in text


def test_admins_are_user_ids_not_names():
    s = load_settings({**GOOD, "ADMIN_USER_IDS": "U012ABCDEF, W0ADMIN2"})
    assert s.admin_user_ids == {"U012ABCDEF", "W0ADMIN2"}
    with pytest.raises(ConfigError) as err:
        load_settings({**GOOD, "ADMIN_USER_IDS": "@alice"})
    assert "ADMIN_USER_IDS" in str(err.value) and "@alice" in str(err.value)


def test_access_settings():
    s = load_settings({
        **GOOD,
        "ALLOWED_USER_IDS": "U0ALICE",
        "ALLOWED_USERGROUP_IDS": "S0LIVEOPS",
        "ALLOWED_CHANNEL_IDS": "C0LIVE,G0PRIVATE",
        "DOMAIN_ACCESS": "vip.example.com=S0VIP,U0BOSS; push.example.com=U0ALICE",
        "ACCESS_DENY_BY_DEFAULT": "true",
        "ACCESS_DENIED_HINT": "ask in #live-ops",
    })
    a = s.access
    assert (a.users, a.groups, a.channels) == ({"U0ALICE"}, {"S0LIVEOPS"}, {"C0LIVE", "G0PRIVATE"})
    assert a.domains == {"vip.example.com": {"S0VIP", "U0BOSS"}, "push.example.com": {"U0ALICE"}}
    assert a.deny_by_default and a.hint == "ask in #live-ops"


def test_bad_access_settings_are_named():
    with pytest.raises(ConfigError) as err:
        load_settings({**GOOD, "ALLOWED_USERGROUP_IDS": "@live-ops", "DOMAIN_ACCESS": "nope",
                       "ACCESS_DENY_BY_DEFAULT": "maybe", "REDIS_URL": "http://x"})
    text = str(err.value)
    for name in ("ALLOWED_USERGROUP_IDS", "DOMAIN_ACCESS", "ACCESS_DENY_BY_DEFAULT", "REDIS_URL"):
        assert name in text


def test_callback_settings_default_off_and_the_key_is_a_secret():
    s = load_settings(GOOD)
    assert (s.callback_key, s.callback_port, s.stream_grace_seconds) == (None, None, 120)
    s = load_settings({**GOOD, "TENCENT_CALLBACK_KEY": "cb-key-value", "STREAM_GRACE_SECONDS": "5"})
    assert s.callback_key == "cb-key-value" and s.stream_grace_seconds == 5
    assert "cb-key-value" in s.secrets() and "cb-key-value" not in repr(s)


def test_callback_port_is_for_socket_mode():
    socket_env = {**GOOD, "SLACK_APP_TOKEN": "xapp-1-abc", "CALLBACK_PORT": "8081"}
    assert load_settings(socket_env).callback_port == 8081
    with pytest.raises(ConfigError) as err:
        load_settings({**GOOD, "CALLBACK_PORT": "8081"})
    assert "CALLBACK_PORT is for Socket Mode only" in str(err.value)


def test_bad_callback_settings_are_named_without_the_key():
    with pytest.raises(ConfigError) as err:
        load_settings({**GOOD, "SLACK_APP_TOKEN": "xapp-1-abc", "CALLBACK_PORT": "http",
                       "STREAM_GRACE_SECONDS": "0", "TENCENT_CALLBACK_KEY": "has a space"})
    text = str(err.value)
    for name in ("CALLBACK_PORT", "STREAM_GRACE_SECONDS", "TENCENT_CALLBACK_KEY"):
        assert name in text
    assert "has a space" not in text


def test_tencent_only_commands_need_no_slack_settings():
    env = {k: v for k, v in GOOD.items() if not k.startswith("SLACK_")}
    with pytest.raises(ConfigError):
        load_settings(env)
    s = load_settings({**env, "CALLBACK_PORT": "8081"}, slack=False)
    assert s.slack_bot_token == "" and s.push_domains == ("push.example.com",)


@pytest.mark.parametrize("url", ["mysql://root@localhost/bot", "mssql+pyodbc://x",
                                 "postgresql+psycopg2://u@h/db", "oracle://u@h/db"])
def test_a_database_the_bot_does_not_run_on_is_refused_at_start(url):
    with pytest.raises(ConfigError) as err:
        load_settings({**GOOD, "DATABASE_URL": url})
    assert "SQLite" in str(err.value) and "PostgreSQL" in str(err.value)


@pytest.mark.parametrize("url", ["sqlite:///bot.db", "postgresql://u@h/db", "postgres://u@h/db",
                                 "postgresql+psycopg://u@h/db", "sqlite+aiosqlite:///x.db"])
def test_sqlite_and_postgresql_urls_are_taken(url):
    assert load_settings({**GOOD, "DATABASE_URL": url}).database_url.split(":")[0] in (
        "sqlite+aiosqlite", "postgresql+psycopg")


@pytest.mark.parametrize("domain", ["-a.example.com", "a-.example.com", "example", "a..com"])
def test_the_start_refuses_a_push_domain_that_every_record_would_refuse(domain):
    from bot.recording.rules import is_push_domain

    assert not is_push_domain(domain)  # the rule /record applies …
    with pytest.raises(ConfigError) as err:  # … is the one the start-up check applies
        load_settings({**GOOD, "LIVE_PUSH_DOMAIN": f"push.example.com,{domain}"})
    assert domain in str(err.value)


def test_the_refusal_to_start_says_what_needs_no_settings():
    with pytest.raises(ConfigError) as err:
        load_settings({})
    assert "Socket Mode" in str(err.value) and "recordbot shell --sandbox" in str(err.value)


def test_the_daily_digest_is_off_without_a_channel_and_named_when_malformed():
    s = load_settings(GOOD)
    assert s.digest_channel is None and s.digest_time == "09:00" and s.digest_timezone is None
    s = load_settings({**GOOD, "DIGEST_CHANNEL": "C0DIGEST", "DIGEST_TIME": "18:30",
                       "DIGEST_TIMEZONE": "Asia/Taipei"})
    assert (s.digest_channel, s.digest_time, s.digest_timezone) == \
        ("C0DIGEST", "18:30", "Asia/Taipei")
    with pytest.raises(ConfigError) as err:
        load_settings({**GOOD, "DIGEST_CHANNEL": "#live-ops", "DIGEST_TIME": "9am",
                       "DIGEST_TIMEZONE": "Mars/Olympus"})
    assert [p.split("=")[0] for p in err.value.problems] == [
        "DIGEST_CHANNEL", "DIGEST_TIME", "DIGEST_TIMEZONE"]
    with pytest.raises(ConfigError):
        load_settings({**GOOD, "DIGEST_TIME": "24:00"})


def test_default_pad():
    assert load_settings(GOOD).default_pad_seconds == 0
    assert load_settings({**GOOD, "DEFAULT_PAD": "5m"}).default_pad_seconds == 300
    with pytest.raises(ConfigError) as err:
        load_settings({**GOOD, "DEFAULT_PAD": "five minutes"})
    assert "DEFAULT_PAD" in str(err.value)
