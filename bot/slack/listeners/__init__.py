"""Listeners grouped by Slack surface; each module has one ``register``."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.runtime import Runtime
from bot.slack.listeners import actions, commands, views
from bot.slack.zones import UserZones


def register(app: AsyncApp, rt: Runtime, zones: UserZones) -> None:
    commands.register(app, rt, zones)
    views.register(app, rt, zones)
    actions.register(app, rt, zones)
