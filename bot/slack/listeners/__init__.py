"""Listeners grouped by Slack surface, as plain module-level functions: each takes what Bolt
injects plus ``services`` (bot.slack.answers.Services), so it can be imported and called alone."""

from __future__ import annotations

from functools import partial

from slack_bolt.async_app import AsyncApp

from bot.slack.answers import Services
from bot.slack.blocks.values import (
    CANCEL_ACTION,
    FORM_CALLBACK_ID,
    GLOBAL_SHORTCUT_ID,
    HOME_NEW_ACTION,
    LIST_MORE_ACTION,
    LONG_CONFIRM_ACTION,
    MESSAGE_SHORTCUT_ID,
    OVERLAP_CONFIRM_ACTION,
    SERIES_CANCEL_ACTION,
    SKIP_ACTION,
    STOP_ACTION,
)
from bot.slack.listeners import actions, commands, home, shortcuts, views


def register(app: AsyncApp, services: Services) -> None:
    app.command("/record")(partial(commands.record, services=services))
    app.view(FORM_CALLBACK_ID)(partial(views.submit, services=services))
    app.action(STOP_ACTION)(partial(actions.stop, services=services))
    app.action(CANCEL_ACTION)(partial(actions.cancel, services=services))
    app.action(LIST_MORE_ACTION)(partial(actions.next_page, services=services))
    app.action(OVERLAP_CONFIRM_ACTION)(partial(actions.schedule_anyway, services=services))
    app.action(LONG_CONFIRM_ACTION)(partial(actions.schedule_anyway, services=services))
    app.event("app_home_opened")(partial(home.home_opened, services=services))
    app.action(HOME_NEW_ACTION)(partial(home.schedule_from_home, services=services))
    app.shortcut(GLOBAL_SHORTCUT_ID)(partial(shortcuts.schedule, services=services))
    app.shortcut(MESSAGE_SHORTCUT_ID)(partial(shortcuts.from_message, services=services))
    app.action(SERIES_CANCEL_ACTION)(partial(actions.cancel_series, services=services))
    app.action(SKIP_ACTION)(partial(actions.skip_occurrence, services=services))
