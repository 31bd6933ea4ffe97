"""Who people are, from Slack: a user's time zone and language (users.info with its locale)
and a user group's members (usergroups.users.list), all cached. Implements the use cases'
``Directory`` port; the locale is the Slack layer's own (bot.slack.i18n)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.recording.model import UserZone, ZoneFallback

log = logging.getLogger(__name__)


class SlackDirectory:
    def __init__(
        self,
        client: AsyncWebClient,
        default_zone: str,
        zone_ttl: float = 3600,
        group_ttl: float = 300,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._default = ZoneInfo(default_zone)
        self._zone_ttl = zone_ttl
        self._group_ttl = group_ttl
        self._monotonic = monotonic
        self._zones: dict[str, tuple[float, ZoneInfo]] = {}
        self._locales: dict[str, tuple[float, str | None]] = {}
        self._members: dict[str, tuple[float, frozenset[str]]] = {}

    # ---- time zones ------------------------------------------------------------------------

    async def zone_of(self, user_id: str) -> UserZone:
        hit = self._zones.get(user_id)
        if hit and self._monotonic() - hit[0] < self._zone_ttl:
            return UserZone(hit[1], hit[1].key)
        try:
            user = await self._profile(user_id)
            tz_name = user.get("tz")
        except SlackApiError as e:
            log.warning("users.info failed for %s: %s", user_id, e.response.get("error"))
            return self.default_zone(ZoneFallback.SLACK_DID_NOT_SAY)
        except Exception as e:  # network trouble must not stop a recording
            log.warning("users.info failed for %s: %s", user_id, type(e).__name__)
            return self.default_zone(ZoneFallback.SLACK_DID_NOT_SAY)
        if not tz_name:
            return self.default_zone(ZoneFallback.NO_ZONE_IN_PROFILE)
        try:
            zone = ZoneInfo(tz_name)
        except (ZoneInfoNotFoundError, ValueError):
            return UserZone(self._default, self._default.key, ZoneFallback.UNKNOWN_ZONE,
                            str(tz_name)[:64])
        self._zones[user_id] = (self._monotonic(), zone)
        return UserZone(zone, zone.key)

    async def _profile(self, user_id: str) -> dict:
        resp = await self._client.users_info(user=user_id, include_locale=True)
        user = resp.get("user") or {}
        locale = user.get("locale")
        self._locales[user_id] = (self._monotonic(), str(locale) if locale else None)
        return user

    # ---- languages -------------------------------------------------------------------------

    def cached_locale(self, user_id: str) -> str | None:
        """The user's Slack locale if it is known already (no call to Slack)."""
        hit = self._locales.get(user_id)
        if hit and self._monotonic() - hit[0] < self._zone_ttl:
            return hit[1]
        return None

    async def locale_of(self, user_id: str) -> str | None:
        """The user's Slack locale ("zh-CN", "en-US", …), cached like the zone; None when
        Slack does not say."""
        hit = self._locales.get(user_id)
        if hit and self._monotonic() - hit[0] < self._zone_ttl:
            return hit[1]
        try:
            return (await self._profile(user_id)).get("locale") or None
        except Exception as e:  # the default language will do
            log.warning("users.info failed for %s: %s", user_id, type(e).__name__)
            return None

    def default_zone(self, fallback: ZoneFallback) -> UserZone:
        return UserZone(self._default, self._default.key, fallback)

    # ---- user groups -----------------------------------------------------------------------

    async def group_members(self, group_id: str) -> frozenset[str] | None:
        """The members, cached; a stale list when Slack fails now, or None if there is none."""
        hit = self._members.get(group_id)
        if hit and self._monotonic() - hit[0] < self._group_ttl:
            return hit[1]
        try:
            resp = await self._client.usergroups_users_list(usergroup=group_id)
            members = frozenset(resp.get("users") or [])
        except SlackApiError as e:
            log.warning("usergroups.users.list %s failed: %s", group_id, e.response.get("error"))
            return hit[1] if hit else None
        self._members[group_id] = (self._monotonic(), members)
        return members
