import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.recording.access import AccessPolicy, AccessRules, RefusalReason
from bot.sandbox import SlackFake
from bot.slack.blocks.problems import refusal_text
from bot.slack.directory import SlackDirectory
from bot.slack.i18n import EN


@pytest.fixture(scope="module")
def slack():
    with SlackFake(bot_token="xoxb-access", usergroups={"S0OPS": ["U0OPS1", "U0OPS2"],
                                                        "S0VIP": ["U0VIP"]}) as fake:
        yield fake


def policy(slack, **rules):
    client = AsyncWebClient(token="xoxb-access", base_url=slack.api_url)
    return AccessPolicy(AccessRules(**rules), SlackDirectory(client, "UTC"))


def reason(decision) -> str:
    assert decision.refusal is not None
    return refusal_text(EN, decision.refusal)


async def test_open_by_default(slack):
    assert (await policy(slack).check("U0ANYONE", "C0ANY")).allowed


async def test_deny_by_default_closes_to_all_but_admins(slack):
    p = policy(slack, deny_by_default=True, admins=frozenset({"U0ADMIN"}))
    decision = await p.check("U0ANYONE", "C0ANY")
    assert not decision.allowed and decision.refusal.reason is RefusalReason.CLOSED
    assert "ACCESS_DENY_BY_DEFAULT" in reason(decision)
    assert (await p.check("U0ADMIN", "C0ANY")).allowed


async def test_user_groups_are_looked_up_and_cached(slack):
    slack.reset()
    p = policy(slack, groups=frozenset({"S0OPS"}), hint="ask to be added to @live-ops")
    assert (await p.check("U0OPS2", "C0ANY")).allowed
    denied = await p.check("U0STRANGER", "C0ANY")
    assert not denied.allowed
    assert denied.refusal.allowed == ("S0OPS",)
    assert "<!subteam^S0OPS>" in reason(denied) and "ask to be added to @live-ops" in reason(denied)
    assert len(slack.calls("usergroups.users.list")) == 1  # cached between checks


async def test_channels_and_domains(slack):
    p = policy(slack, channels=frozenset({"C0LIVE"}),
               domains={"vip.example.com": frozenset({"S0VIP", "U0BOSS"})})
    wrong_channel = await p.check("U0VIP", "C0RANDOM")
    assert not wrong_channel.allowed and "<#C0LIVE>" in reason(wrong_channel)
    assert (await p.check("U0VIP", "C0LIVE", "vip.example.com")).allowed
    assert (await p.check("U0BOSS", "C0LIVE", "vip.example.com")).allowed
    other = await p.check("U0OPS1", "C0LIVE", "vip.example.com")
    assert not other.allowed and other.refusal.reason is RefusalReason.DOMAIN
    assert "vip.example.com" in reason(other)
    assert (await p.check("U0OPS1", "C0LIVE", "push.example.com")).allowed


async def test_a_form_without_a_channel_yet_is_judged_on_the_people_not_the_channel(slack):
    """App Home and the global shortcut open the form before a channel is picked."""
    p = policy(slack, channels=frozenset({"C0LIVE"}), users=frozenset({"U0OPS1"}))
    assert (await p.check("U0OPS1", "")).allowed
    stranger = await p.check("U0STRANGER", "")
    assert not stranger.allowed and stranger.refusal.reason is RefusalReason.PEOPLE
    assert not (await p.check("U0OPS1", "C0RANDOM")).allowed  # a named channel still counts
