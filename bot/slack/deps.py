"""What the Slack listeners share besides the runtime: user zones and the access policy."""

from __future__ import annotations

from dataclasses import dataclass

from bot.access import AccessPolicy
from bot.slack.zones import UserZones


@dataclass(frozen=True)
class SlackDeps:
    zones: UserZones
    access: AccessPolicy
