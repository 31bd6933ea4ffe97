"""Who may use /record, and where.

Open by default. Allowlists of users, user groups and channels narrow it; a push domain can be
limited to its own users and groups; ``deny_by_default`` closes the bot to everyone but admins
until an allowlist is set. IDs, never names: names can be changed by anyone.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AccessRules:
    users: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()  # Slack user-group ids, S…
    channels: frozenset[str] = frozenset()
    domains: Mapping[str, frozenset[str]] = field(default_factory=dict)  # domain → user/group ids
    deny_by_default: bool = False
    admins: frozenset[str] = frozenset()
    hint: str = "ask an admin of this bot to add you"

    @property
    def restricts_people(self) -> bool:
        return bool(self.users or self.groups)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""


ALLOWED = Decision(True)


def _mentions(ids: frozenset[str]) -> str:
    names = [f"<!subteam^{i}>" if i.startswith("S") else f"<@{i}>" for i in sorted(ids)]
    return ", ".join(names)


class AccessPolicy:
    def __init__(self, rules: AccessRules, client: AsyncWebClient | None,
                 ttl_seconds: float = 300,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.rules = rules
        self._client = client
        self._ttl = ttl_seconds
        self._monotonic = monotonic
        self._members: dict[str, tuple[float, frozenset[str]]] = {}

    async def check(self, user_id: str, channel_id: str, domain: str | None = None) -> Decision:
        rules = self.rules
        if user_id in rules.admins:
            return ALLOWED
        if rules.channels and channel_id not in rules.channels:
            where = ", ".join(f"<#{c}>" for c in sorted(rules.channels))
            return Decision(False, f":no_entry: `/record` works only in {where}.")
        if rules.restricts_people:
            if not await self._in(user_id, rules.users, rules.groups):
                return Decision(False, ":no_entry: You are not allowed to schedule recordings "
                                f"yet; allowed: {_mentions(rules.users | rules.groups)} — "
                                f"{rules.hint}.")
        elif rules.deny_by_default:
            return Decision(False, ":no_entry: This bot is closed to everyone until an admin "
                                   "allows users or groups (ACCESS_DENY_BY_DEFAULT is on) — "
                                   f"{rules.hint}.")
        if domain is not None and domain in rules.domains:
            allowed = rules.domains[domain]
            users = frozenset(i for i in allowed if not i.startswith("S"))
            groups = frozenset(i for i in allowed if i.startswith("S"))
            if not await self._in(user_id, users, groups):
                return Decision(False, f":no_entry: Recording on `{domain}` is limited to "
                                       f"{_mentions(allowed)} — {rules.hint}.")
        return ALLOWED

    async def _in(self, user_id: str, users: frozenset[str], groups: frozenset[str]) -> bool:
        if user_id in users:
            return True
        for group in sorted(groups):
            if user_id in await self._group_members(group):
                return True
        return False

    async def _group_members(self, group_id: str) -> frozenset[str]:
        hit = self._members.get(group_id)
        if hit and self._monotonic() - hit[0] < self._ttl:
            return hit[1]
        if self._client is None:
            return frozenset()
        try:
            resp = await self._client.usergroups_users_list(usergroup=group_id)
            members = frozenset(resp.get("users") or [])
        except SlackApiError as e:
            # Fail closed for this check, but keep a stale list if we have one.
            log.warning("usergroups.users.list %s failed: %s", group_id, e.response.get("error"))
            return hit[1] if hit else frozenset()
        self._members[group_id] = (self._monotonic(), members)
        return members
