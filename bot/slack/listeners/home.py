"""App Home: the control room published when someone opens the bot's Home tab (and again
after they stop or cancel from it), and its "Schedule a recording" button."""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.answers import Services
from bot.slack.blocks.home import home_view
from bot.slack.context import Actor
from bot.slack.i18n import Tr

log = logging.getLogger(__name__)


def direct(client: AsyncWebClient, user_id: str):  # type: ignore[no-untyped-def]
    """A ``respond`` for surfaces without a response_url (App Home, shortcuts): a direct
    message from the bot."""
    async def tell(**msg: object) -> None:
        msg.pop("response_type", None)
        msg.pop("replace_original", None)
        try:
            await client.chat_postMessage(channel=user_id, **msg)  # type: ignore[arg-type]
        except SlackApiError as e:  # e.g. the bot's Messages tab is off: the Home tab still
            log.warning("a direct message to %s failed: %s", user_id,  # shows the state
                        e.response.get("error"))
    return tell


async def publish_home(services: Services, client: AsyncWebClient, user_id: str,
                       team_id: str) -> None:
    """Publish ``user_id``'s Home tab, in their language and time zone."""
    if services.home is None:
        return
    try:
        lang = await services.language(user_id)
        zone = await services.directory.zone_of(user_id)
        overview = await services.home.overview(team_id, user_id)
        view = home_view(Tr.of(lang), overview, zone.name,
                         lambda rec: services.manage.may_manage(user_id, rec),
                         lambda series: services.manage.may_cancel_series(user_id, series))
        await client.views_publish(user_id=user_id, view=view)
    except SlackApiError as e:
        log.warning("views.publish for %s failed: %s", user_id, e.response.get("error"))
    except Exception:
        log.exception("the Home tab of %s could not be published", user_id)


async def home_opened(event: dict, body: dict, client: AsyncWebClient,
                      services: Services) -> None:
    if event.get("tab") != "home" or not event.get("user"):
        return
    team_id = str(body.get("team_id") or "")
    services.spawn(publish_home(services, client, str(event["user"]), team_id), "home")


async def schedule_from_home(ack: AsyncAck, body: dict, client: AsyncWebClient,
                             services: Services) -> None:
    """ "Schedule a recording" on the Home tab: the form, with a channel to post in."""
    from bot.slack.listeners.commands import open_form

    await ack()
    actor = Actor.of_interaction(body, channel_id="")
    await open_form(services, client, actor, body.get("trigger_id", ""),
                    direct(client, actor.user_id))
