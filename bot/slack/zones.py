"""The invoking user's time zone, from users.info, cached; the default zone when unknown."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UserZone:
    zone: ZoneInfo
    note: str | None  # set when the default zone stands in for the user's own

    @property
    def name(self) -> str:
        return self.zone.key


class UserZones:
    def __init__(
        self,
        client: AsyncWebClient,
        default_zone: str,
        ttl_seconds: float = 3600,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._default = ZoneInfo(default_zone)
        self._ttl = ttl_seconds
        self._monotonic = monotonic
        self._cache: dict[str, tuple[float, ZoneInfo]] = {}

    async def zone_for(self, user_id: str) -> UserZone:
        hit = self._cache.get(user_id)
        if hit and self._monotonic() - hit[0] < self._ttl:
            return UserZone(hit[1], None)
        try:
            resp = await self._client.users_info(user=user_id)
            tz_name = (resp.get("user") or {}).get("tz")
        except SlackApiError as e:
            log.warning("users.info failed for %s: %s", user_id, e.response.get("error"))
            return self._fallback("Slack did not tell me your time zone")
        except Exception as e:  # network trouble must not stop a recording
            log.warning("users.info failed for %s: %s", user_id, type(e).__name__)
            return self._fallback("Slack did not tell me your time zone")
        if not tz_name:
            return self._fallback("your Slack profile has no time zone")
        try:
            zone = ZoneInfo(tz_name)
        except (ZoneInfoNotFoundError, ValueError):
            return self._fallback(f"your Slack time zone {tz_name!r} is unknown here")
        self._cache[user_id] = (self._monotonic(), zone)
        return UserZone(zone, None)

    def default_zone(self, why: str) -> UserZone:
        return self._fallback(why)

    def _fallback(self, why: str) -> UserZone:
        return UserZone(self._default, f"{why}, so the default zone {self._default.key} was used")
