"""Ack latency under a burst, the bot against a bare Bolt app, while Tencent answers in 1 s.

    python bench/ack_load.py [--commands 100] [--submissions 100] [--rounds 3]
                             [--client raw|httpx] [--bot-script PATH]

Starts the real bot (``python -m bot``, HTTP mode) and ``bench/bare_bolt.py`` (a Bolt AsyncApp
whose listeners only ack, served the same way) as subprocesses, against the Live API emulator
(CreateRecordTask answers after 1 s) and the Slack fake, both in this process. Each round:

  1. N concurrent Slack-signed ``/record <stream> tomorrow 8pm to 10pm`` to one app, then the
     same N to the other (the order alternates between rounds); the bot's thread replies are
     awaited before going on;
  2. the form (opened once with ``/record``; the view is the one the bot passed to views.open)
     submitted N times concurrently, other stream names, to one app, then to the other.

Before measuring, each app gets a few `/record help` and one real command per user, so the bot
knows every user's zone as in steady use. Ack latency is measured per request, client-side
(send → complete HTTP response). Time to the thread reply is send → the Slack fake receiving the
``chat.postMessage`` whose ``thread_ts`` is that request's root message.

Targets (issue 8): the bot's p99 ÷ the bare app's p99 ≤ 1.5 (over all rounds' samples), no ack
over Slack's 3 s, every request answered in its thread. Exit status 1 when one fails.

The default client writes HTTP/1.1 straight onto a socket (~0.4 ms of CPU per request);
``--client httpx`` uses httpx.AsyncClient, which spends ~3.5 ms per request: 100 of them keep
this process busier than the bare app, so the ratio then measures the load generator. The CPU
columns show which side was busy.

Every stream is distinct (the bot would point a repeat at the first request, and ask before
scheduling overlapping tasks). Each request costs the bot two Tencent calls under the shared
20/s limit (DescribeRecordTask for overlaps, then CreateRecordTask), so the last thread reply
comes at least 2N ÷ 20 s (+1 s) after the burst: the limit working, printed as a figure.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from harness import (
    CHANNEL,
    SIGNING_SECRET,
    USERS,
    bare_bolt_process,
    bot_env,
    bot_process,
    cpu_seconds,
    exit_on_sigterm,
    own_cpu_seconds,
    percentile,
    stop_quietly,
    verdict,
)

from bot.sandbox import SlackFake
from bot.sandbox.live import Fault, LiveEmulator
from tests.support.botproc import BotProcess
from tests.support.slack import (
    interaction_body,
    plain_text_value,
    sign,
    slash_command_body,
    view_submission_payload,
)

SLACK_DEADLINE = 3.0  # Slack shows the user an error when the ack takes longer
TENCENT_LIMIT = 20  # CreateRecordTask & co., requests per second per account
TENCENT_SLOW = 1.0  # CreateRecordTask answers this late in this benchmark
REQUEST_TIMEOUT = 30.0
WHEN = "tomorrow 8pm to 10pm"
ROOT_TEXT = re.compile(r"^Recording request for ([A-Za-z0-9_-]+):")
KINDS = ("commands", "submissions")
APPS = {"bare": "bare Bolt", "bot": "recordbot"}


# ---- sending ------------------------------------------------------------------------------


class RawClient:
    """One HTTP/1.1 POST per connection (``Connection: close``), written onto the socket."""

    async def post(self, url: str, body: str, headers: dict[str, str]) -> tuple[int, str]:
        parts = urlsplit(url)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        try:
            data = body.encode()
            head = "".join([
                f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n",
                f"Content-Length: {len(data)}\r\nConnection: close\r\n",
                *(f"{name}: {value}\r\n" for name, value in headers.items()),
                "\r\n",
            ])
            writer.write(head.encode() + data)
            response = await reader.read()  # the server closes after its answer
        finally:
            writer.close()
        status_line, _, rest = response.partition(b"\r\n")
        status = int(status_line.split(b" ", 2)[1]) if status_line else 0
        return status, rest.partition(b"\r\n\r\n")[2].decode(errors="replace")

    async def close(self) -> None:
        pass


class HttpxClient:
    def __init__(self, connections: int) -> None:
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=0)
        self._http = httpx.AsyncClient(timeout=REQUEST_TIMEOUT, limits=limits, trust_env=False)

    async def post(self, url: str, body: str, headers: dict[str, str]) -> tuple[int, str]:
        resp = await self._http.post(url, content=body, headers=headers)
        return resp.status_code, resp.text

    async def close(self) -> None:
        await self._http.aclose()


Client = RawClient | HttpxClient


@dataclass(frozen=True)
class Sent:
    """One request of a burst: what it was about, when it left, how the app answered."""

    stream: str
    sent_at: float  # time.time(), comparable with the Slack fake's received_at
    latency: float  # seconds from sending to the complete HTTP response
    status: int  # 0 when no response came
    body: str


@dataclass(frozen=True)
class Burst:
    acks: list[Sent]
    wall: float  # first send → last answer
    app_cpu: float  # CPU the app used meanwhile
    own_cpu: float  # CPU this process (load client + fakes) used meanwhile


async def burst(client: Client, app: BotProcess, requests: list[tuple[str, str]]) -> Burst:
    """Send every (stream, body) at once, each signed as Slack signs it."""
    go = asyncio.Event()
    url = app.url + "/slack/events"

    async def one(stream: str, body: str) -> Sent:
        headers = sign(SIGNING_SECRET, body)
        await go.wait()
        sent_at = time.time()
        started = time.perf_counter()
        try:
            status, text = await asyncio.wait_for(client.post(url, body, headers),
                                                  REQUEST_TIMEOUT)
        except (OSError, TimeoutError, httpx.HTTPError, ValueError, IndexError) as e:
            status, text = 0, type(e).__name__
        return Sent(stream, sent_at, time.perf_counter() - started, status, text)

    tasks = [asyncio.create_task(one(stream, body)) for stream, body in requests]
    await asyncio.sleep(0.05)  # every request signed and waiting at the gate
    assert app.proc is not None
    app_cpu, own_cpu, started = cpu_seconds(app.proc.pid), own_cpu_seconds(), time.perf_counter()
    go.set()
    acks = await asyncio.gather(*tasks)
    return Burst(acks, time.perf_counter() - started, cpu_seconds(app.proc.pid) - app_cpu,
                 own_cpu_seconds() - own_cpu)


# ---- what is sent -------------------------------------------------------------------------


def user_of(i: int) -> str:
    return list(USERS)[i % len(USERS)]


def command_requests(slack: SlackFake, streams: list[str]) -> list[tuple[str, str]]:
    return [
        (stream, slash_command_body(f"{stream} {WHEN}", user_id=user_of(i), channel_id=CHANNEL,
                                    response_url=slack.response_url(f"cmd-{stream}"),
                                    trigger_id=f"trigger-{stream}"))
        for i, stream in enumerate(streams)
    ]


def form_values(view: dict, stream: str) -> dict:
    """The view's inputs filled in: our stream and window, every other field as offered."""
    values: dict[str, dict] = {}
    for block in view["blocks"]:
        element = block.get("element")
        if block.get("type") != "input" or not element:
            continue
        if element["type"] in ("static_select", "radio_buttons"):
            option = element.get("initial_option") or element["options"][0]
            state = {"type": element["type"], "selected_option": {"value": option["value"]}}
        else:
            typed = {"stream": stream, "when": WHEN}.get(block["block_id"])
            state = plain_text_value(typed if typed is not None
                                     else element.get("initial_value") or "")
        values[block["block_id"]] = {element["action_id"]: state}
    return values


def submission_requests(view: dict, streams: list[str]) -> list[tuple[str, str]]:
    return [
        (stream, interaction_body(view_submission_payload(form_values(view, stream), view=view,
                                                          user_id=user_of(i))))
        for i, stream in enumerate(streams)
    ]


def post_signed(http: httpx.Client, url: str, body: str) -> httpx.Response:
    resp = http.post(url, content=body, headers=sign(SIGNING_SECRET, body))
    resp.raise_for_status()
    return resp


def open_form(http: httpx.Client, bot: BotProcess, slack: SlackFake) -> dict:
    """``/record`` with no text; the view the bot opens is the one the submissions fill in."""
    key = f"form-{time.monotonic_ns()}"
    post_signed(http, bot.url + "/slack/events",
                slash_command_body("", user_id=user_of(0), channel_id=CHANNEL,
                                   response_url=slack.response_url(key),
                                   trigger_id=f"trigger-{key}"))
    call = slack.wait_for("views.open", lambda c: c.params.get("trigger_id") == f"trigger-{key}",
                          timeout=15)
    return call.response["view"]


def warm_up(http: httpx.Client, app: BotProcess, slack: SlackFake, count: int) -> None:
    """A few sequential `/record help` (first-request costs such as Bolt's auth.test are not
    load), then one real command per user, so that the bot knows every user's zone as it would
    in steady use (it keeps them for an hour)."""
    url = app.url + "/slack/events"
    for _ in range(count):
        post_signed(http, url, slash_command_body("help", user_id=user_of(0), channel_id=CHANNEL))
    streams = [f"warm{i}x{time.monotonic_ns()}" for i in range(len(USERS))]
    for _, body in command_requests(slack, streams):
        post_signed(http, url, body)


# ---- what came back -----------------------------------------------------------------------


async def thread_replies(slack: SlackFake, acks: list[Sent],
                         timeout: float) -> tuple[dict[str, float], int]:
    """Seconds from sending each request to its thread reply, and how many say "created".

    Waits until every stream has one or ``timeout`` passes; missing streams are left out.
    """
    sent = {s.stream: s.sent_at for s in acks}
    deadline = time.monotonic() + timeout
    while True:
        roots: dict[str, str] = {}  # root ts -> stream
        replies: dict[str, tuple[float, bool]] = {}  # stream -> (seconds, created)
        calls = slack.calls("chat.postMessage")
        for call in calls:
            if call.params.get("channel") == CHANNEL and not call.params.get("thread_ts"):
                match = ROOT_TEXT.match(call.params.get("text") or "")
                if match and match.group(1) in sent and call.ok:
                    roots[call.response["ts"]] = match.group(1)
        for call in calls:
            stream = roots.get(call.params.get("thread_ts") or "")
            if stream is not None and stream not in replies:
                created = "Recording task created" in (call.params.get("text") or "")
                replies[stream] = (call.received_at - sent[stream], created)
        if len(replies) == len(sent) or time.monotonic() > deadline:
            return ({k: v[0] for k, v in replies.items()},
                    sum(1 for _, created in replies.values() if created))
        await asyncio.sleep(0.25)


@dataclass
class Phase:
    """One kind of request (commands or submissions) sent to one app, over all rounds."""

    bursts: list[Burst] = field(default_factory=list)
    threads: dict[str, float] = field(default_factory=dict)  # stream -> s to its thread reply
    created: int = 0  # thread replies saying the task was created

    @property
    def acks(self) -> list[Sent]:
        return [s for b in self.bursts for s in b.acks]

    @property
    def latencies(self) -> list[float]:
        return [s.latency for s in self.acks]

    def p(self, q: float) -> float:
        return percentile(self.latencies, q)

    @property
    def late(self) -> int:
        return sum(1 for s in self.acks if s.latency > SLACK_DEADLINE or s.status != 200)


def thread_floor(count: int) -> float:
    return 2 * count / TENCENT_LIMIT + TENCENT_SLOW


async def run_rounds(args: argparse.Namespace, view: dict, apps: dict[str, BotProcess],
                     slack: SlackFake) -> dict[tuple[str, str], Phase]:
    phases = {(app, kind): Phase() for app in APPS for kind in KINDS}
    client: Client = (HttpxClient(4 * max(args.commands, args.submissions))
                      if args.client == "httpx" else RawClient())
    try:
        for rnd in range(args.rounds):
            order = ("bare", "bot") if rnd % 2 == 0 else ("bot", "bare")
            for kind in KINDS:
                count = args.commands if kind == "commands" else args.submissions
                if count == 0:
                    continue
                streams = [f"r{rnd}{kind[0]}{i:04d}" for i in range(count)]
                requests = (command_requests(slack, streams) if kind == "commands"
                            else submission_requests(view, streams))
                for app in order:
                    phase = phases[(app, kind)]
                    phase.bursts.append(await burst(client, apps[app], requests))
                    if app == "bot":
                        threads, created = await thread_replies(
                            slack, phase.bursts[-1].acks, timeout=3 * thread_floor(count) + 30)
                        phase.threads.update(threads)
                        phase.created += created
                    await asyncio.sleep(1.5)  # the root messages' last chat.update, and calm
    finally:
        await client.close()
    return phases


# ---- the report ---------------------------------------------------------------------------


def report(phases: dict[tuple[str, str], Phase], args: argparse.Namespace,
           tencent: dict[str, int]) -> bool:
    ms = 1000
    print(f"ack latency, client-side — {args.rounds} round(s) of {args.commands} concurrent "
          f"commands and {args.submissions} concurrent form submissions per app; "
          f"client: {args.client}")
    print(f"{'':<24}{'n':>5}{'p50':>7}{'p99':>7}{'max':>7}{'>3 s':>6}{'non-200':>8}"
          f"{'app CPU':>10}{'load CPU':>10}{'burst':>8}   (ms; CPU and burst: median per burst)")
    for kind in KINDS:
        for app, label in APPS.items():
            phase = phases[(app, kind)]
            if not phase.bursts:
                continue
            over = sum(1 for s in phase.acks if s.latency > SLACK_DEADLINE)
            bad = sum(1 for s in phase.acks if s.status != 200)
            app_cpu = statistics.median(b.app_cpu for b in phase.bursts)
            own_cpu = statistics.median(b.own_cpu for b in phase.bursts)
            wall = statistics.median(b.wall for b in phase.bursts)
            print(f"{kind + ', ' + label:<24}{len(phase.acks):>5}{phase.p(50) * ms:>7.0f}"
                  f"{phase.p(99) * ms:>7.0f}{max(phase.latencies) * ms:>7.0f}{over:>6}{bad:>8}"
                  f"{app_cpu * ms:>10.0f}{own_cpu * ms:>10.0f}{wall * ms:>8.0f}")
    for kind in KINDS:
        bare, bot = phases[("bare", kind)], phases[("bot", kind)]
        if bare.bursts and bot.bursts:
            ratios = [percentile([s.latency for s in b.acks], 99)
                      / percentile([s.latency for s in a.acks], 99)
                      for a, b in zip(bare.bursts, bot.bursts, strict=True)]
            print(f"  {kind}: p99 ratio per round " + ", ".join(f"{r:.2f}" for r in ratios))
    print()
    print("time to the thread reply, recordbot (s)")
    print(f"{'':<24}{'answered':>12}{'created':>9}{'p50':>7}{'p99':>7}{'floor':>7}")
    for kind in KINDS:
        count = args.commands if kind == "commands" else args.submissions
        phase = phases[("bot", kind)]
        if not phase.bursts:
            continue
        times = list(phase.threads.values())
        p50 = statistics.median(times) if times else float("nan")
        print(f"{kind:<24}{len(times):>8}/{len(phase.acks):<3}{phase.created:>9}{p50:>7.1f}"
              f"{percentile(times, 99):>7.1f}{thread_floor(count):>7.1f}")
    print(f"  floor = 2 Tencent calls per request (DescribeRecordTask, CreateRecordTask) × N at "
          f"{TENCENT_LIMIT}/s, + {TENCENT_SLOW:.0f} s for the last CreateRecordTask's answer")
    print("  Tencent calls seen by the emulator: "
          + ", ".join(f"{k} {v}" for k, v in sorted(tencent.items())))
    print()

    ok = True
    for kind in KINDS:
        bare, bot = phases[("bare", kind)], phases[("bot", kind)]
        if not (bare.bursts and bot.bursts):
            continue
        ratio = bot.p(99) / bare.p(99)
        answered = len(bot.threads)
        checks = [
            (f"{kind}: ack p99 ÷ bare Bolt p99 <= 1.5", f"{ratio:.2f}x", ratio <= 1.5),
            (f"{kind}: acks over 3 s (or not 200) = 0", f"{bot.late}", bot.late == 0),
            (f"{kind}: every request answered in its thread",
             f"{answered}/{len(bot.acks)}", answered == len(bot.acks)),
        ]
        for label, value, passed in checks:
            print(f"target: {label:<50}{value:>10} {verdict(passed)}")
            ok &= passed
    return ok


async def run(args: argparse.Namespace) -> bool:
    with LiveEmulator() as live, SlackFake(bot_token="xoxb-bench", users=USERS) as slack, \
            tempfile.TemporaryDirectory(prefix="recordbot-bench-") as tmp:
        live.inject(Fault.slow(TENCENT_SLOW, action="CreateRecordTask"))
        workdir = Path(tmp)
        env = bot_env(live, slack, workdir / "recordbot.db")
        apps: dict[str, BotProcess] = {}
        try:
            apps["bot"] = bot_process(env, workdir, args.bot_script)
            apps["bot"].start(timeout=120)
            apps["bare"] = bare_bolt_process(env, workdir)
            apps["bare"].start(timeout=60)
            with httpx.Client(timeout=REQUEST_TIMEOUT, trust_env=False) as http:
                for app in apps.values():
                    warm_up(http, app, slack, args.warmup)
                view = open_form(http, apps["bot"], slack)
            await asyncio.sleep(3)  # the warm-up commands are answered
            phases = await run_rounds(args, view, apps, slack)
            tencent: dict[str, int] = {}
            for req in live.requests:
                key = req.action if req.outcome == "OK" else f"{req.action} {req.outcome}"
                tencent[key] = tencent.get(key, 0) + 1
            return report(phases, args, tencent)
        except Exception:
            for name, proc in apps.items():
                if proc.proc is not None:
                    print(f"--- last lines of the {APPS[name]} log ---", file=sys.stderr)
                    print("\n".join(proc.logs().splitlines()[-20:]), file=sys.stderr)
            raise
        finally:
            for proc in apps.values():
                stop_quietly(proc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commands", type=int, default=100, help="concurrent /record commands")
    parser.add_argument("--submissions", type=int, default=100,
                        help="concurrent form submissions")
    parser.add_argument("--rounds", type=int, default=3,
                        help="bursts per app and kind; percentiles are over all rounds' samples")
    parser.add_argument("--warmup", type=int, default=3,
                        help="sequential `/record help` per app before measuring")
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw",
                        help="how to send: raw HTTP/1.1 on a socket (cheap), or httpx")
    parser.add_argument("--bot-script", type=Path, metavar="PY",
                        help="start the bot with this script instead of `python -m bot` "
                        "(to measure a prototype of a design change)")
    args = parser.parse_args()
    if not (0 <= args.commands <= 1000 and 0 <= args.submissions <= 1000) \
            or args.commands + args.submissions == 0:
        parser.error("--commands and --submissions must be 0..1000, and not both 0")
    if not 1 <= args.rounds <= 20:
        parser.error("--rounds must be between 1 and 20")
    if args.bot_script is not None and not args.bot_script.is_file():
        parser.error(f"--bot-script: no such file {args.bot_script}")
    exit_on_sigterm()
    try:
        ok = asyncio.run(run(args))
    except KeyboardInterrupt:
        sys.exit("interrupted; the bot and the bare app were stopped")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
