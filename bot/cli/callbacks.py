"""``recordbot callbacks setup``: point Tencent Live's callbacks at the bot.

Creates one callback template (CreateLiveCallbackTemplate) whose four URLs — stream begin,
stream end, recording file, recording status — are the bot's /tencent/callback and whose
CallbackKey is TENCENT_CALLBACK_KEY, then binds it to each push domain and app
(CreateLiveCallbackRule). A dry run by default: it prints what it would create; ``--apply``
creates it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TextIO
from urllib.parse import urlsplit

from bot.config import ConfigError, Settings, load_settings
from bot.logging_setup import configure_logging
from bot.recording.rules import is_app_name, is_push_domain
from bot.tencent.callbacks import CALLBACK_PATH
from bot.tencent.live_api import (
    CallbackTemplateSpec,
    LiveApi,
    LiveApiError,
    OutcomeUnknown,
)

_TEMPLATE_NAME = re.compile(r"[\u4e00-\u9fffA-Za-z0-9_-]+")


@dataclass(frozen=True)
class SetupPlan:
    spec: CallbackTemplateSpec
    domains: tuple[str, ...]
    app: str


class SetupError(Exception):
    """Why the setup cannot go ahead; ``str()`` is shown as is."""


def check_url(url: str) -> str:
    """The callback URL, if Tencent can be pointed at it: https, or http to a loopback host
    (a local sandbox)."""
    parts = urlsplit(url)
    if not parts.hostname or any(c.isspace() for c in url) or parts.scheme not in (
        "http", "https"
    ):
        raise SetupError(f"--url must be an https:// URL such as "
                         f"https://bot.example.com{CALLBACK_PATH}, not {url!r}.")
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise SetupError(
            "--url must use https: Tencent's sign does not cover the body, so anyone who sees "
            "a callback over plain HTTP could replay it with another body. (Plain http is "
            "allowed only to a loopback address, for a local sandbox.)"
        )
    return url


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def make_plan(settings: Settings, url: str, domains: Sequence[str] | None, app: str | None,
              name: str) -> SetupPlan:
    if not settings.callback_key:
        raise SetupError(
            "TENCENT_CALLBACK_KEY is not set. Choose a long random key (e.g. `openssl rand "
            "-hex 16`), set it for the bot and for this command, then run this again: Tencent "
            "signs every callback with it."
        )
    check_url(url)
    if len(name.encode()) > 255 or not _TEMPLATE_NAME.fullmatch(name):
        raise SetupError("--name may use Chinese characters, letters, digits, _ and - only "
                         "(at most 255 bytes).")
    chosen = tuple(dict.fromkeys(domains or settings.push_domains))
    for domain in chosen:
        if not is_push_domain(domain):
            raise SetupError(f"--domain {domain!r} is not a domain name.")
    app = app or settings.app_name
    if not is_app_name(app):
        raise SetupError("--app may use letters, digits, _ and - (1–64 characters).")
    spec = CallbackTemplateSpec(
        name=name, callback_key=settings.callback_key, stream_begin_url=url,
        stream_end_url=url, record_url=url, record_status_url=url,
        description="recordbot: push, break, recording file and recording status events",
    )
    return SetupPlan(spec, chosen, app)


def describe_plan(plan: SetupPlan, url: str) -> list[str]:
    spec = plan.spec
    lines = [
        "Callback template (CreateLiveCallbackTemplate):",
        f"  TemplateName           {spec.name}",
        f"  StreamBeginNotifyUrl   {spec.stream_begin_url}",
        f"  StreamEndNotifyUrl     {spec.stream_end_url}",
        f"  RecordNotifyUrl        {spec.record_url}",
        f"  RecordStatusNotifyUrl  {spec.record_status_url}",
        f"  CallbackKey            ******** ({len(spec.callback_key)} characters, from "
        "TENCENT_CALLBACK_KEY)",
        f"Callback rule{'s' if len(plan.domains) > 1 else ''} (CreateLiveCallbackRule), "
        "binding the template to:",
        *(f"  DomainName {domain}  AppName {plan.app}" for domain in plan.domains),
    ]
    path = urlsplit(url).path or "/"
    if path != CALLBACK_PATH:
        lines.append(f"Note: the bot serves callbacks at {CALLBACK_PATH}; this URL's path is "
                     f"{path} (fine if a proxy in front of the bot rewrites it).")
    return lines


async def apply_plan(live: LiveApi, plan: SetupPlan, out: TextIO) -> int:
    """Create the template, then the rules; 0 when all exist, 1 (having said why) otherwise."""
    spec = plan.spec
    try:
        existing = [t for t in await live.describe_callback_templates() if t.name == spec.name]
    except LiveApiError as e:
        print(f"Could not list the callback templates: {_error(e)}. Nothing was created.",
              file=out)
        return 1
    if existing:
        print(f"A callback template named {spec.name} already exists (TemplateId "
              f"{existing[0].template_id}). Nothing was created; choose another --name, or "
              "delete that template in the console first.", file=out)
        return 1
    try:
        created = await live.create_callback_template(spec)
        template_id, request_id = created.template_id, created.request_id
    except OutcomeUnknown as e:
        found = await _find_template(live, spec.name)
        if found is None:
            print(f"No clear answer from Tencent ({_error(e)}), and no template named "
                  f"{spec.name} exists now. Nothing was created; run this again.", file=out)
            return 1
        template_id, request_id = found, e.request_id or "-"
    except LiveApiError as e:
        print(f"Tencent refused the callback template: {_error(e)}. Nothing was created.",
              file=out)
        return 1
    print(f"Created callback template {spec.name}: TemplateId {template_id} "
          f"(RequestId {request_id})", file=out)
    for domain in plan.domains:
        try:
            rule_request = await live.create_callback_rule(domain, plan.app, template_id)
        except LiveApiError as e:
            print(f"Tencent refused the callback rule for {domain} / {plan.app}: {_error(e)}. "
                  f"Template {template_id} exists; bind it to {domain} / {plan.app} in the "
                  "console (Event Center → Callback) or with CreateLiveCallbackRule.", file=out)
            return 1
        print(f"Created callback rule: {domain} / {plan.app} → TemplateId {template_id} "
              f"(RequestId {rule_request or '-'})", file=out)
    return 0


async def _find_template(live: LiveApi, name: str) -> int | None:
    try:
        templates = await live.describe_callback_templates()
    except LiveApiError:
        return None
    return next((t.template_id for t in templates if t.name == name), None)


def _error(e: LiveApiError) -> str:
    return f"{e.code}: {e.message} (RequestId {e.request_id or '-'})"


def run_setup(env: Mapping[str, str], url: str, domains: Sequence[str] | None, app: str | None,
              name: str, apply: bool, out: TextIO, err: TextIO) -> int:
    try:
        settings = load_settings(env, slack=False)
    except ConfigError as e:
        print(e, file=err)
        return 2
    configure_logging("WARNING", settings.secrets())
    try:
        plan = make_plan(settings, url, domains, app, name)
    except SetupError as e:
        print(f"recordbot callbacks setup: {e}", file=err)
        return 2
    for line in describe_plan(plan, url):
        print(line, file=out)
    if not apply:
        print("Dry run: nothing was created. Add --apply to create them.", file=out)
        return 0
    return asyncio.run(_apply(settings, plan, out))


async def _apply(settings: Settings, plan: SetupPlan, out: TextIO) -> int:
    from bot.runtime import build_live_api

    live = build_live_api(settings)
    try:
        return await apply_plan(live, plan, out)
    finally:
        await live.close()
