"""Time zones named in the text: IANA keys, abbreviations, UTC offsets, Chinese names."""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from functools import lru_cache


@dataclass(frozen=True)
class Zone:
    tz: tzinfo
    name: str  # IANA key, or "UTC+08:00" for a fixed offset


# Abbreviations people use for a region's civil time. They are read as the
# region's zone (so "CET" in July is Paris summer time, which is what people
# mean), not as a fixed offset.
ABBREVIATIONS = {
    "utc": "UTC", "gmt": "UTC", "z": "UTC",
    "cet": "Europe/Paris", "cest": "Europe/Paris",
    "wet": "Europe/Lisbon", "west": "Europe/Lisbon",
    "eet": "Europe/Athens", "eest": "Europe/Athens",
    "bst": "Europe/London",
    "est": "America/New_York", "edt": "America/New_York", "et": "America/New_York",
    "cdt": "America/Chicago", "ct": "America/Chicago",
    "mst": "America/Denver", "mdt": "America/Denver", "mt": "America/Denver",
    "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles", "pt": "America/Los_Angeles",
    "jst": "Asia/Tokyo", "kst": "Asia/Seoul", "hkt": "Asia/Hong_Kong",
    "sgt": "Asia/Singapore", "aest": "Australia/Sydney", "aedt": "Australia/Sydney",
    "beijing time": "Asia/Shanghai", "china time": "Asia/Shanghai",
    "hong kong time": "Asia/Hong_Kong", "taipei time": "Asia/Taipei",
    "tokyo time": "Asia/Tokyo", "london time": "Europe/London",
    "paris time": "Europe/Paris", "berlin time": "Europe/Berlin",
    "new york time": "America/New_York", "singapore time": "Asia/Singapore",
    "shanghai time": "Asia/Shanghai", "hk time": "Asia/Hong_Kong", "taiwan time": "Asia/Taipei",
    "japan time": "Asia/Tokyo", "korea time": "Asia/Seoul", "seoul time": "Asia/Seoul",
    "india time": "Asia/Kolkata", "sydney time": "Australia/Sydney", "uk time": "Europe/London",
    "us eastern": "America/New_York", "eastern time": "America/New_York",
    "pacific time": "America/Los_Angeles", "central european time": "Europe/Paris",
}  # fmt: skip

# Abbreviations that name more than one zone: refused rather than guessed.
AMBIGUOUS = {"cst": "China or US Central", "ist": "India, Israel or Ireland"}

CHINESE = {
    "北京时间": "Asia/Shanghai", "中国时间": "Asia/Shanghai", "上海时间": "Asia/Shanghai",
    "香港时间": "Asia/Hong_Kong", "台北时间": "Asia/Taipei", "台湾时间": "Asia/Taipei",
    "东京时间": "Asia/Tokyo", "日本时间": "Asia/Tokyo", "首尔时间": "Asia/Seoul",
    "新加坡时间": "Asia/Singapore", "伦敦时间": "Europe/London", "英国时间": "Europe/London",
    "巴黎时间": "Europe/Paris", "柏林时间": "Europe/Berlin", "纽约时间": "America/New_York",
    "美东时间": "America/New_York", "洛杉矶时间": "America/Los_Angeles",
    "美西时间": "America/Los_Angeles", "悉尼时间": "Australia/Sydney",
    "协调世界时": "UTC", "世界时": "UTC", "格林尼治时间": "UTC",
}  # fmt: skip
CHINESE_OFFSET_RE = re.compile(r"(东|西)([一二三四五六七八九十]+|\d{1,2})区")


@lru_cache(maxsize=1024)
def named(key: str) -> Zone:
    """The zone of an IANA key (built once per key: every zone word in a phrase needs one)."""
    return Zone(zoneinfo.ZoneInfo(key), key)


def fixed(minutes: int) -> Zone:
    if minutes == 0:
        return named("UTC")
    sign = "+" if minutes > 0 else "-"
    hh, mm = divmod(abs(minutes), 60)
    return Zone(timezone(timedelta(minutes=minutes)), f"UTC{sign}{hh:02d}:{mm:02d}")


_FIXED_NAME = re.compile(r"^UTC([+-])(\d{2}):(\d{2})$")


def zone_tzinfo(name: str) -> tzinfo:
    """The zone a window's ``zone`` names (an IANA key, or "UTC+08:00" as ``fixed`` names a
    fixed offset); ValueError for anything else."""
    m = _FIXED_NAME.match(name)
    if m:
        minutes = int(m.group(2)) * 60 + int(m.group(3))
        return timezone(timedelta(minutes=minutes if m.group(1) == "+" else -minutes))
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not a zone the time parser names") from None


def offset_minutes(sign: str, hours: str, minutes: str | None) -> int:
    """Minutes east of UTC for "+8", "+0530", "-05:00"; ValueError if out of range."""
    h = int(hours)
    m = int(minutes or 0)
    if len(hours) > 2 or h > 14 or m >= 60:
        raise ValueError("offset out of range")
    total = h * 60 + m
    return -total if sign == "-" else total


@lru_cache(maxsize=1)
def _iana_lower() -> dict[str, str]:
    return {key.lower(): key for key in zoneinfo.available_timezones()}


def iana(text: str) -> Zone | None:
    """Look up an IANA key case-insensitively ("asia/shanghai"); None if unknown."""
    key = _iana_lower().get(text.lower())
    return named(key) if key else None


def zone_of(tz: tzinfo | None, sample=None) -> str:
    """A readable name for ``now``'s zone: the IANA key when there is one."""
    key = getattr(tz, "key", None)
    if key:
        return key
    if tz is None:
        return "local"
    offset = tz.utcoffset(sample)
    if offset is None:
        return str(tz)
    return fixed(int(offset.total_seconds() // 60)).name


def of_now(now: datetime) -> Zone:
    """The zone of an aware ``now``, named as zone_of names it."""
    tz = now.tzinfo
    assert tz is not None
    if isinstance(tz, zoneinfo.ZoneInfo) and tz.key:
        return _keyed(tz)
    return Zone(tz, zone_of(tz, now))


@lru_cache(maxsize=64)
def _keyed(tz: zoneinfo.ZoneInfo) -> Zone:
    """One Zone per IANA zone, built once (every parse without a zone in its text needs it)."""
    return Zone(tz, tz.key)


def warm() -> None:
    _iana_lower()
    for key in set(ABBREVIATIONS.values()) | set(CHINESE.values()):
        zoneinfo.ZoneInfo(key)
