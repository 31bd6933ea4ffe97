"""Listeners grouped by Slack surface; each module has one ``register``."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.runtime import Runtime
from bot.slack.deps import SlackDeps
from bot.slack.listeners import actions, commands, views


def register(app: AsyncApp, rt: Runtime, deps: SlackDeps) -> None:
    commands.register(app, rt, deps)
    views.register(app, rt, deps)
    actions.register(app, rt, deps)
