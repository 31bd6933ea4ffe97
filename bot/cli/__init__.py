"""`recordbot`: run the bot (HTTP mode or Socket Mode, chosen by SLACK_APP_TOKEN); also
`recordbot shell` (try it in a terminal), `recordbot parse` (check a time phrase) and
`recordbot callbacks setup` (point Tencent Live's callbacks at the bot)."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from bot.config import ConfigError, load_settings
from bot.logging_setup import configure_logging

log = logging.getLogger("recordbot")


def _add_shell_parser(sub: argparse._SubParsersAction) -> None:
    shell = sub.add_parser(
        "shell",
        help="type /record commands in a terminal instead of Slack",
        description="A console that plays Slack: type what you would type in Slack "
        "(/record …) and read the bot's answers as text. Slack is simulated locally; Tencent "
        "is real (settings from the environment) unless --sandbox.",
    )
    shell.add_argument("--sandbox", action="store_true",
                       help="simulate Tencent with the built-in Live API emulator; no account "
                       "or setting is needed")
    shell.add_argument("--tz", metavar="ZONE",
                       help="your time zone, e.g. Asia/Shanghai (default: the machine's)")
    shell.add_argument("--database", metavar="URL_OR_FILE",
                       help="keep the shell's records here (default: a temporary SQLite file)")
    shell.add_argument("--fail-stream", metavar="NAME=CODE", action="append", default=[],
                       help="with --sandbox: the emulator refuses to schedule stream NAME with "
                       "error CODE, "
                       "e.g. novod=ResourceUnavailable.InvalidVodStatus (repeatable)")
    shell.add_argument("--lang", metavar="LANG", default="en",
                       help="your Slack language: en (default), zh-CN or zh-TW; the bot answers "
                       "in it unless what you type is clearly in another")
    shell.add_argument("--verbose", action="store_true", help="show the bot's INFO log on stderr")


def _add_parse_parser(sub: argparse._SubParsersAction) -> None:
    parse = sub.add_parser(
        "parse",
        help="show how a time phrase is understood",
        description="Print the window the bot would read from a phrase (start, end, duration, "
        "zone), or why it cannot; exit status 1 when not understood.",
    )
    parse.add_argument("text", help='the phrase, e.g. "tomorrow 8pm to 10pm"')
    parse.add_argument("--tz", metavar="ZONE", help="read it in this zone (default: the machine's)")
    parse.add_argument("--now", metavar="ISO",
                       help="read it as if it were this time, e.g. 2026-03-10T09:00 (in --tz) "
                       "or 2026-03-10T09:00+08:00")
    parse.add_argument("--pad", metavar="PAD",
                       help="start each recording this much early and end it this late, e.g. 5m")


def _add_callbacks_parser(sub: argparse._SubParsersAction) -> None:
    callbacks = sub.add_parser(
        "callbacks",
        help="configure Tencent Live's event callbacks",
        description="Tencent Live's event callbacks (push, break, recording file, recording "
        "status), which the bot posts about in each recording's thread.",
    )
    actions = callbacks.add_subparsers(dest="callbacks_command", required=True)
    setup = actions.add_parser(
        "setup",
        help="create the callback template and rule (a dry run unless --apply)",
        description="Create a callback template whose four URLs point at the bot and whose "
        "CallbackKey is TENCENT_CALLBACK_KEY (CreateLiveCallbackTemplate), and bind it to the "
        "push domain and app (CreateLiveCallbackRule). Without --apply it only prints what it "
        "would create. Tencent settings come from the environment.",
    )
    setup.add_argument("--url", required=True,
                       help="where Tencent posts, e.g. https://bot.example.com/tencent/callback")
    setup.add_argument("--domain", action="append", metavar="DOMAIN",
                       help="push domain to bind (repeatable; default: each of LIVE_PUSH_DOMAIN)")
    setup.add_argument("--app", help="app name (push path) to bind (default: LIVE_APP_NAME)")
    setup.add_argument("--name", default="recordbot", help="template name (default: recordbot)")
    setup.add_argument("--apply", action="store_true",
                       help="create them (without it: a dry run that creates nothing)")


def _shell(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from bot.shell.options import FailStream, ShellOptions
    from bot.shell.zone import resolve_zone

    problems = []
    try:
        tz = resolve_zone(args.tz)
    except ValueError as e:
        problems.append(f"--tz: {e}")
        tz = "UTC"
    failing = []
    for spec in args.fail_stream:
        name, _, code = spec.partition("=")
        if not name.strip() or not code.strip():
            problems.append(f"--fail-stream {spec!r}: write NAME=CODE, e.g. "
                            "novod=ResourceUnavailable.InvalidVodStatus")
            continue
        failing.append(FailStream(name.strip(), code.strip(),
                                  f"Simulated error for stream {name.strip()} (--fail-stream)."))
    from bot.slack.i18n import lang_of_locale

    if lang_of_locale(args.lang) is None:
        problems.append(f"--lang {args.lang!r}: use en, zh-CN or zh-TW")
    if failing and not args.sandbox:
        problems.append("--fail-stream needs --sandbox (it steers the local Tencent emulator)")
    if problems:
        for problem in problems:
            print(f"recordbot shell: {problem}", file=sys.stderr)
        return 2
    from bot.shell.run import run_shell

    options = ShellOptions(sandbox=args.sandbox, tz=tz, database=args.database,
                           fail_streams=tuple(failing), verbose=args.verbose,
                           locale=_slack_locale(args.lang))
    # The shell is the Slack side: real Slack credentials have no use here, and Bolt would
    # otherwise pick SLACK_BOT_TOKEN up from the environment (and warn that it is unused).
    for name in [n for n in os.environ if n.startswith("SLACK_")]:
        del os.environ[name]
    return run_shell(options, os.environ)


def _slack_locale(lang: str) -> str:
    """The Slack locale of a --lang value, as users.info would report it."""
    from bot.slack.i18n import Lang, lang_of_locale

    return {Lang.ZH_HANS: "zh-CN", Lang.ZH_HANT: "zh-TW"}.get(lang_of_locale(lang), "en-US")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="recordbot",
        description="Slack bot that schedules Tencent Cloud Live recordings. "
        "Settings come from the environment; see README.md.",
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve", help="run the bot (the default)")
    _add_shell_parser(sub)
    _add_parse_parser(sub)
    _add_callbacks_parser(sub)
    args = parser.parse_args(argv)
    if args.command == "shell":
        return _shell(args, parser)
    if args.command == "parse":
        from bot.shell.parse import run_parse

        return run_parse(args.text, args.tz, args.now, sys.stdout, sys.stderr, args.pad)
    if args.command == "callbacks":
        from bot.cli.callbacks import run_setup

        return run_setup(os.environ, args.url, args.domain, args.app, args.name, args.apply,
                         sys.stdout, sys.stderr)

    if args.command in (None, "serve"):
        try:
            settings = load_settings(os.environ)
        except ConfigError as e:
            print(e, file=sys.stderr)
            return 2
        configure_logging(settings.log_level, settings.secrets(), fmt=settings.log_format)
        from bot.cli.serve import serve

        serve(settings)
        return 0
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
