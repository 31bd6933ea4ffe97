"""Who may use /record, and where.

Open by default. Allowlists of users, user groups and channels narrow it; a push domain can be
limited to its own users and groups; ``deny_by_default`` closes the bot to everyone but admins
until an allowlist is set. IDs, never names: names can be changed by anyone. A refusal is data
(the reason, who is allowed); the Slack layer says it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.recording.model import AuditAction
from bot.recording.ports import Directory, Store


@dataclass(frozen=True)
class AccessRules:
    users: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()  # Slack user-group ids, S…
    channels: frozenset[str] = frozenset()
    domains: Mapping[str, frozenset[str]] = field(default_factory=dict)  # domain → user/group ids
    deny_by_default: bool = False
    admins: frozenset[str] = frozenset()
    # What a refusal tells people to do (ACCESS_DENIED_HINT); None: the Slack layer's default.
    hint: str | None = None

    @property
    def restricts_people(self) -> bool:
        return bool(self.users or self.groups)


class RefusalReason(enum.StrEnum):
    CHANNEL = "channel"  # not one of ALLOWED_CHANNEL_IDS
    PEOPLE = "people"  # not listed, not in a listed group
    CLOSED = "closed"  # ACCESS_DENY_BY_DEFAULT and no allowlist
    DOMAIN = "domain"  # the push domain is limited to others (DOMAIN_ACCESS)


@dataclass(frozen=True)
class Refusal:
    reason: RefusalReason
    allowed: tuple[str, ...] = ()  # who may (user and group ids), or where (channel ids)
    domain: str | None = None
    hint: str | None = None


@dataclass(frozen=True)
class Decision:
    refusal: Refusal | None = None

    @property
    def allowed(self) -> bool:
        return self.refusal is None


ALLOWED = Decision()


@dataclass(frozen=True)
class Refused:
    """What a use case returns when the person may not do what they asked."""

    refusal: Refusal


def is_group(entity_id: str) -> bool:
    return entity_id.startswith("S")


class AccessPolicy:
    def __init__(self, rules: AccessRules, directory: Directory | None) -> None:
        self.rules = rules
        self._directory = directory

    async def check(self, user_id: str, channel_id: str, domain: str | None = None) -> Decision:
        """``channel_id`` empty: no channel yet (the form opened from App Home or a global
        shortcut, where the channel is picked); the channel rule is checked on submission."""
        rules = self.rules
        if user_id in rules.admins:
            return ALLOWED
        if rules.channels and channel_id and channel_id not in rules.channels:
            return Decision(Refusal(RefusalReason.CHANNEL, tuple(sorted(rules.channels)),
                                    hint=rules.hint))
        if rules.restricts_people:
            if not await self._in(user_id, rules.users, rules.groups):
                return Decision(Refusal(RefusalReason.PEOPLE,
                                        tuple(sorted(rules.users | rules.groups)),
                                        hint=rules.hint))
        elif rules.deny_by_default:
            return Decision(Refusal(RefusalReason.CLOSED, hint=rules.hint))
        if domain is not None and domain in rules.domains:
            allowed = rules.domains[domain]
            users = frozenset(i for i in allowed if not is_group(i))
            groups = frozenset(i for i in allowed if is_group(i))
            if not await self._in(user_id, users, groups):
                return Decision(Refusal(RefusalReason.DOMAIN, tuple(sorted(allowed)), domain,
                                        rules.hint))
        return ALLOWED

    async def _in(self, user_id: str, users: frozenset[str], groups: frozenset[str]) -> bool:
        if user_id in users:
            return True
        if self._directory is None:
            return False
        for group in sorted(groups):
            members = await self._directory.group_members(group)
            if members is not None and user_id in members:  # unknown members: fail closed
                return True
        return False


class AccessGate:
    """The access check as every use case runs it: a refusal is audited, then returned."""

    def __init__(self, policy: AccessPolicy, store: Store) -> None:
        self.policy = policy
        self._store = store

    async def refusal(self, team_id: str, user_id: str, channel_id: str, what: str,
                      domain: str | None = None) -> Refusal | None:
        """None when allowed; ``what`` is the audit trail's words for the attempt."""
        decision = await self.policy.check(user_id, channel_id, domain)
        if decision.refusal is None:
            return None
        await self.audit_refusal(team_id, user_id, f"{what} in {channel_id}"
                                 + (f" on {domain}" if domain else ""))
        return decision.refusal

    async def audit_refusal(self, team_id: str, user_id: str, detail: str) -> None:
        await self._store.add_audit(None, team_id, user_id, AuditAction.DENIED, detail)
