"""Every setting the bot reads, its environment name, default and check.

`load_settings` collects every problem before failing, so a person starting the bot sees all of
them in one message. No message, log line or repr ever contains a secret's value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.logging_setup import LOG_FORMATS
from bot.recording.access import AccessRules
from bot.recording.rules import is_app_name, is_push_domain
from bot.recording.series import parse_pad
from bot.slack.i18n import Lang, parse_lang

DEFAULT_LIVE_ENDPOINT = "live.tencentcloudapi.com"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///recordbot.db"

# Regions where CreateRecordTask is offered (API page, "Region" common parameter).
RECORD_TASK_REGIONS = (
    "ap-bangkok", "ap-guangzhou", "ap-hongkong", "ap-jakarta", "ap-mumbai", "ap-seoul",
    "ap-singapore", "ap-tokyo", "eu-frankfurt", "na-ashburn", "na-siliconvalley", "na-toronto",
    "sa-saopaulo",
)

_USER_ID_RE = re.compile(r"^[UW][A-Z0-9]{2,}$")
_GROUP_ID_RE = re.compile(r"^S[A-Z0-9]{2,}$")
_CHANNEL_ID_RE = re.compile(r"^[CGD][A-Z0-9]{2,}$")
_DIGEST_TIME_RE = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def _ids(env: Mapping[str, str], name: str, pattern: re.Pattern[str], example: str,
         problems: list[str]) -> frozenset[str]:
    ids = frozenset(i.strip() for i in env.get(name, "").split(",") if i.strip())
    bad = sorted(i for i in ids if not pattern.match(i))
    if bad:
        problems.append(
            f"{name} takes Slack IDs such as {example}, not names: "
            + ", ".join(repr(b[:40]) for b in bad) + "."
        )
    return ids


def _domain_access(raw: str, problems: list[str]) -> dict[str, frozenset[str]]:
    """`push.a.com=S0OPS,U0ALICE; push.b.com=S0VIP` → {domain: ids}."""
    rules: dict[str, frozenset[str]] = {}
    for entry in (e.strip() for e in raw.split(";") if e.strip()):
        domain, sep, ids = entry.partition("=")
        members = frozenset(i.strip() for i in ids.split(",") if i.strip())
        if not sep or not is_push_domain(domain.strip()) or not members or any(
            not (_USER_ID_RE.match(i) or _GROUP_ID_RE.match(i)) for i in members
        ):
            problems.append(
                "DOMAIN_ACCESS entries look like `push.example.com=S0LIVEOPS,U012ABCDEF` "
                f"(separated by ;), not {entry[:60]!r}."
            )
            continue
        rules[domain.strip()] = members
    return rules


def _bool(env: Mapping[str, str], name: str, problems: list[str]) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    problems.append(f"{name} must be true or false.")
    return False


class ConfigError(Exception):
    """Raised with every problem found; ``str()`` is the message shown at start-up."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(
            f"recordbot cannot start; fix these settings:\n{lines}\n"
            "(Socket Mode — SLACK_APP_TOKEN set — needs no SLACK_SIGNING_SECRET. To try the "
            "bot without any settings or accounts: recordbot shell --sandbox. Every setting is "
            "described in README.md, under Settings.)"
        )


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str = field(repr=False)
    slack_signing_secret: str = field(repr=False)
    slack_app_token: str | None = field(repr=False)
    slack_api_url: str | None
    host: str
    port: int
    tencent_secret_id: str = field(repr=False)
    tencent_secret_key: str = field(repr=False)
    tencent_region: str
    live_endpoint: str  # host[:port] only; the scheme is separate
    live_scheme: str  # "https", or "http" for a local emulator
    live_timeout: int
    push_domains: tuple[str, ...]
    app_name: str
    database_url: str = field(repr=False)  # may carry a password
    default_timezone: str
    log_level: str
    admin_user_ids: frozenset[str] = frozenset()
    unknown_recheck_seconds: int = 30
    access: AccessRules = field(default_factory=AccessRules)
    redis_url: str | None = field(default=None, repr=False)
    tencent_rate_limit: int = 20
    tencent_attempts: int = 3
    callback_key: str | None = field(default=None, repr=False)  # TENCENT_CALLBACK_KEY
    callback_port: int | None = None  # Socket Mode: serve /tencent/callback on this port
    stream_grace_seconds: int = 120
    # COMPLETENESS_GRACE_SECONDS: after a window ends, how long Tencent's files may take to
    # arrive before the completeness report is written (also: how long after a push stopped
    # its file may take before the thread is warned)
    completeness_grace_seconds: int = 300
    lease_seconds: int = 15  # LEASE_SECONDS: a process's claim on a request it works on
    log_format: str = "text"  # LOG_FORMAT: text lines, or one JSON object per line
    # DEFAULT_LANGUAGE: for people whose text and Slack locale do not say (bot.slack.i18n)
    default_language: str = "en"
    # DIGEST_CHANNEL / DIGEST_TIME / DIGEST_TIMEZONE: the daily digest (off without a channel)
    digest_channel: str | None = None
    digest_time: str = "09:00"  # HH:MM in digest_timezone
    digest_timezone: str | None = None  # None: default_timezone
    # DEFAULT_PAD: every recording starts this many seconds early and ends this late
    default_pad_seconds: int = 0

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_app_token)

    @property
    def default_push_domain(self) -> str:
        return self.push_domains[0]

    def secrets(self) -> list[str]:
        """Values that must never reach a log line (the logging filter masks them)."""
        values = [
            self.slack_bot_token, self.slack_signing_secret, self.slack_app_token,
            self.tencent_secret_key, self.tencent_secret_id, self.callback_key,
        ]
        password = make_url(self.database_url).password
        if password:
            values.append(str(password))
        if self.redis_url:
            redis_password = urlparse(self.redis_url).password
            if redis_password:
                values.append(redis_password)
        return [v for v in values if v and len(v) >= 4]


def _int(env: Mapping[str, str], name: str, default: int, lo: int, hi: int,
         problems: list[str]) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        problems.append(f"{name} must be a whole number between {lo} and {hi}.")
        return default
    if not lo <= value <= hi:
        problems.append(f"{name} must be between {lo} and {hi}.")
    return value


def _live_endpoint(raw: str, problems: list[str]) -> tuple[str, str]:
    """`host` means HTTPS to that host; `http://host:port` means plain HTTP (local emulator)."""
    raw = raw.strip() or DEFAULT_LIVE_ENDPOINT
    if "://" in raw:
        parsed = urlparse(raw)
        if parsed.scheme not in ("http", "https") or not parsed.hostname or parsed.path not in (
            "", "/"
        ):
            problems.append(
                "TENCENTCLOUD_LIVE_ENDPOINT must be a host such as live.tencentcloudapi.com, "
                "or http://host:port for a local emulator."
            )
            return DEFAULT_LIVE_ENDPOINT, "https"
        return parsed.netloc, parsed.scheme
    if "/" in raw or " " in raw:
        problems.append(
            "TENCENTCLOUD_LIVE_ENDPOINT must be a host such as live.tencentcloudapi.com "
            "(no path)."
        )
    return raw, "https"


#: The databases the store runs on, and the async driver each needs.
_DATABASES = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+psycopg",
              "postgres": "postgresql+psycopg"}


def normalise_database_url(raw: str) -> str:
    """Accept the URLs people write and pick the async driver SQLAlchemy needs; ValueError for
    a database the bot does not run on (it is tested on SQLite and PostgreSQL only)."""
    url = make_url(raw)
    backend = url.get_backend_name()
    if backend not in _DATABASES:
        raise ValueError(backend)
    if url.drivername in _DATABASES:
        url = url.set(drivername=_DATABASES[url.drivername])
    elif url.drivername not in _DATABASES.values():
        raise ValueError(url.drivername)  # e.g. postgresql+psycopg2: a driver not installed
    return url.render_as_string(hide_password=False)


def _callback_key(raw: str, problems: list[str]) -> str | None:
    """TENCENT_CALLBACK_KEY: the CallbackKey of the callback template (sign = md5(key + t))."""
    if not raw:
        return None
    if len(raw) > 256 or any(c.isspace() or not c.isprintable() for c in raw):
        problems.append(
            "TENCENT_CALLBACK_KEY must be the callback template's CallbackKey: printable, "
            "without spaces, at most 256 characters."
        )
    return raw


def load_settings(env: Mapping[str, str], *, slack: bool = True) -> Settings:
    """Every setting, checked. ``slack=False`` skips the Slack settings (left empty), for
    commands that only talk to Tencent such as ``recordbot callbacks setup``."""
    problems: list[str] = []

    def get(name: str, default: str = "") -> str:
        return env.get(name, default).strip()

    bot_token = get("SLACK_BOT_TOKEN")
    if slack and not bot_token:
        problems.append(
            "SLACK_BOT_TOKEN is missing (the bot token, xoxb-…, from OAuth & Permissions)."
        )
    elif slack and not bot_token.startswith("xoxb-"):
        problems.append("SLACK_BOT_TOKEN must be a bot token starting with xoxb-.")

    app_token = get("SLACK_APP_TOKEN") or None
    if slack and app_token and not app_token.startswith("xapp-"):
        problems.append(
            "SLACK_APP_TOKEN must be an app-level token starting with xapp- "
            "(leave it unset for HTTP mode)."
        )

    signing_secret = get("SLACK_SIGNING_SECRET")
    if slack and not signing_secret and not app_token:
        problems.append(
            "SLACK_SIGNING_SECRET is missing (Basic Information → Signing Secret); "
            "HTTP mode needs it to verify requests from Slack."
        )

    slack_api_url = get("SLACK_API_URL") or None
    if slack_api_url:
        parsed = urlparse(slack_api_url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            problems.append("SLACK_API_URL must be an http(s) URL such as https://slack.com/api/.")
        elif not slack_api_url.endswith("/"):
            slack_api_url += "/"

    port = _int(env, "PORT", 3000, 1, 65535, problems)
    host = get("HOST", "0.0.0.0")

    secret_id = get("TENCENTCLOUD_SECRET_ID")
    secret_key = get("TENCENTCLOUD_SECRET_KEY")
    if not secret_id:
        problems.append("TENCENTCLOUD_SECRET_ID is missing (CAM → API keys).")
    if not secret_key:
        problems.append("TENCENTCLOUD_SECRET_KEY is missing (CAM → API keys).")
    for name in ("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY"):
        if " " in env.get(name, "").strip():
            problems.append(f"{name} must not contain spaces.")

    region = get("TENCENTCLOUD_REGION", "ap-guangzhou")
    if region not in RECORD_TASK_REGIONS:
        problems.append(
            f"TENCENTCLOUD_REGION={region!r} does not offer recording tasks; use one of "
            + ", ".join(RECORD_TASK_REGIONS) + "."
        )

    endpoint, scheme = _live_endpoint(env.get("TENCENTCLOUD_LIVE_ENDPOINT", ""), problems)
    timeout = _int(env, "TENCENTCLOUD_TIMEOUT", 10, 1, 120, problems)

    domains = tuple(d.strip() for d in get("LIVE_PUSH_DOMAIN").split(",") if d.strip())
    if not domains:
        problems.append(
            "LIVE_PUSH_DOMAIN is missing (your push domain, e.g. 12345.livepush.myqcloud.com; "
            "a comma-separated list offers a choice)."
        )
    for d in domains:
        if not is_push_domain(d):
            problems.append(f"LIVE_PUSH_DOMAIN entry {d!r} is not a domain name.")

    app_name = get("LIVE_APP_NAME", "live")
    if not is_app_name(app_name):
        problems.append("LIVE_APP_NAME may use letters, digits, _ and - (1–64 characters).")

    database_url = get("DATABASE_URL") or DEFAULT_DATABASE_URL
    try:
        database_url = normalise_database_url(database_url)
    except ArgumentError:
        problems.append("DATABASE_URL is not a database URL (e.g. sqlite:///recordbot.db).")
    except ValueError as e:
        problems.append(
            f"DATABASE_URL names {str(e)[:30]!r}; the bot runs on SQLite "
            "(sqlite:///recordbot.db) or PostgreSQL (postgresql://user:password@host/db).")

    tz_name = get("DEFAULT_TIMEZONE", "UTC")
    try:
        ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"DEFAULT_TIMEZONE={tz_name!r} is not an IANA zone such as Asia/Shanghai.")

    log_level = get("LOG_LEVEL", "INFO").upper()
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        problems.append("LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR.")
    language = Lang.EN
    try:
        language = parse_lang(get("DEFAULT_LANGUAGE", "en") or "en")
    except ValueError:
        problems.append("DEFAULT_LANGUAGE must be en (the default), zh-CN (Simplified Chinese) "
                        "or zh-TW (Traditional Chinese; zh-HK too).")
    log_format = get("LOG_FORMAT", "text").lower() or "text"
    if log_format not in LOG_FORMATS:
        problems.append("LOG_FORMAT must be text (the default) or json (one JSON object per "
                        "line).")

    admins = _ids(env, "ADMIN_USER_IDS", _USER_ID_RE, "U012ABCDEF (profile → ⋮ → Copy member "
                  "ID)", problems)
    recheck = _int(env, "UNKNOWN_RECHECK_SECONDS", 30, 1, 3600, problems)
    access = AccessRules(
        users=_ids(env, "ALLOWED_USER_IDS", _USER_ID_RE, "U012ABCDEF", problems),
        groups=_ids(env, "ALLOWED_USERGROUP_IDS", _GROUP_ID_RE, "S0LIVEOPS", problems),
        channels=_ids(env, "ALLOWED_CHANNEL_IDS", _CHANNEL_ID_RE, "C012ABCDEF", problems),
        domains=_domain_access(get("DOMAIN_ACCESS"), problems),
        deny_by_default=_bool(env, "ACCESS_DENY_BY_DEFAULT", problems),
        admins=admins,
        hint=get("ACCESS_DENIED_HINT") or None,
    )
    redis_url = get("REDIS_URL") or None
    if redis_url and urlparse(redis_url).scheme not in ("redis", "rediss", "unix"):
        problems.append("REDIS_URL must look like redis://host:6379/0.")
    rate = _int(env, "TENCENTCLOUD_RATE_LIMIT", 20, 1, 1000, problems)
    attempts = _int(env, "TENCENTCLOUD_ATTEMPTS", 3, 1, 10, problems)

    callback_key = _callback_key(get("TENCENT_CALLBACK_KEY"), problems)
    callback_port: int | None = None
    if get("CALLBACK_PORT"):
        callback_port = _int(env, "CALLBACK_PORT", 0, 1, 65535, problems)
        if slack and not app_token:
            problems.append(
                "CALLBACK_PORT is for Socket Mode only; in HTTP mode Tencent's callbacks are "
                "served on PORT at /tencent/callback (unset CALLBACK_PORT)."
            )
    grace = _int(env, "STREAM_GRACE_SECONDS", 120, 1, 3600, problems)
    completeness_grace = _int(env, "COMPLETENESS_GRACE_SECONDS", 300, 1, 7200, problems)
    lease = _int(env, "LEASE_SECONDS", 15, 3, 600, problems)
    pad = parse_pad(get("DEFAULT_PAD") or "0")
    if pad is None:
        problems.append("DEFAULT_PAD is a padding such as `5m`, `90s` or `0`, at most 2 h.")

    digest_channel = get("DIGEST_CHANNEL") or None
    if digest_channel and not _CHANNEL_ID_RE.match(digest_channel):
        problems.append(f"DIGEST_CHANNEL={digest_channel[:30]!r} is not a channel id such as "
                        "C012ABCDEF (in Slack: the channel's details, at the bottom).")
    digest_time = get("DIGEST_TIME") or "09:00"
    if not _DIGEST_TIME_RE.match(digest_time):
        problems.append(f"DIGEST_TIME={digest_time[:30]!r} must be HH:MM on a 24-hour clock, "
                        "e.g. 09:00.")
    digest_tz = get("DIGEST_TIMEZONE") or None
    if digest_tz:
        try:
            ZoneInfo(digest_tz)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(f"DIGEST_TIMEZONE={digest_tz[:40]!r} is not an IANA zone such as "
                            "Asia/Shanghai.")

    if problems:
        raise ConfigError(problems)
    return Settings(
        slack_bot_token=bot_token,
        slack_signing_secret=signing_secret,
        slack_app_token=app_token,
        slack_api_url=slack_api_url,
        host=host,
        port=port,
        tencent_secret_id=secret_id,
        tencent_secret_key=secret_key,
        tencent_region=region,
        live_endpoint=endpoint,
        live_scheme=scheme,
        live_timeout=timeout,
        push_domains=domains,
        app_name=app_name,
        database_url=database_url,
        default_timezone=tz_name,
        log_level=log_level,
        admin_user_ids=admins,
        unknown_recheck_seconds=recheck,
        access=access,
        redis_url=redis_url,
        tencent_rate_limit=rate,
        tencent_attempts=attempts,
        callback_key=callback_key,
        callback_port=callback_port,
        stream_grace_seconds=grace,
        completeness_grace_seconds=completeness_grace,
        lease_seconds=lease,
        log_format=log_format,
        default_language=language.value,
        digest_channel=digest_channel,
        digest_time=digest_time,
        digest_timezone=digest_tz,
        default_pad_seconds=int(pad.total_seconds()) if pad else 0,
    )
