"""parse_window against plain dateparser.parse, side by side, in one run.

    python bench/timeparse.py [--repeat N] [--runs N]

Prints, for the corpus in tests/timeparse/corpus.json:
  * accuracy of parse_window and of plain dateparser.parse (a case counts for
    dateparser when it returns the expected start and the case has no end, or
    returns None for a phrase that must be refused: it has no ranges), by
    shape (points, ranges + durations, refusals), by kind (each corpus group's
    "kind") and overall; a refusal case that names a ParseProblem counts only
    when parse_window refuses with that problem;
  * warm cost per phrase (median and p99 over the corpus of each phrase's
    median time) and the ratio between the two;
  * cost of the first call in a fresh interpreter, straight after import and
    after the bot's start-up warm_up(), for an English and a Chinese phrase.
Targets from the issues: warm median <= 0.25x dateparser (issue 14; it was
2x before); first request after start-up <= 50 ms. Timings live here only,
never in the tests.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import dateparser  # noqa: E402

from bot.timeparse import TimeParseError, parse_window, warm_up  # noqa: E402

CORPUS = ROOT / "tests" / "timeparse" / "corpus.json"
CJK = re.compile(r"[\u3400-\u9fff]")

# First requests measured in a fresh interpreter: not among warm_up()'s phrases.
FIRST_EN = "next friday 8:30pm to 10pm CET"
FIRST_ZH = "下周三晚上7点半到9点"
FIRST_EN_DATE = "on Dec 3 at 9:30 for 2 hours"


def load_corpus() -> list[dict]:
    data = json.loads(CORPUS.read_text(encoding="utf-8"))
    cases = []
    for group in data["groups"]:
        stamp, _, zone = group["now"].partition("[")
        now = datetime.fromisoformat(stamp).astimezone(ZoneInfo(zone.rstrip("]")))
        for case in group["cases"]:
            error = case[1] == "ERROR"
            cases.append({
                "text": case[0], "now": now, "error": error, "kind": group["kind"],
                "problem": case[2] if error and len(case) > 2 else None,
                "start": None if error else datetime.fromisoformat(case[1]),
                "end": None if error or case[2] is None else datetime.fromisoformat(case[2]),
            })  # fmt: skip
    return cases


def category(case: dict) -> str:
    if case["error"]:
        return "refusals"
    return "points" if case["end"] is None else "ranges + durations"


def same(a: datetime | None, b: datetime | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.astimezone(UTC) == b.astimezone(UTC)


def plain_dateparser(text: str, now: datetime) -> datetime | None:
    """dateparser.parse as one would call it directly, with the recommended settings."""
    settings = {
        "RELATIVE_BASE": now.replace(tzinfo=None),
        "PREFER_DATES_FROM": "future",
    }
    languages = ["zh"] if CJK.search(text) else ["en"]
    return dateparser.parse(text, languages=languages, settings=settings)


def dateparser_right(case: dict) -> bool:
    result = plain_dateparser(case["text"], case["now"])
    if case["error"]:
        return result is None
    if result is None or case["end"] is not None:
        return False
    if result.tzinfo is None:  # no zone in the text: read it in the user's zone
        result = result.replace(tzinfo=case["now"].tzinfo)
    return same(result, case["start"])


def parse_window_right(case: dict) -> bool:
    try:
        window = parse_window(case["text"], case["now"])
    except TimeParseError as e:
        return case["error"] and case["problem"] in (None, e.problem)
    return (not case["error"] and same(window.start, case["start"])
            and same(window.end, case["end"]))


def safe_parse_window(text: str, now: datetime) -> None:
    with contextlib.suppress(TimeParseError):
        parse_window(text, now)


def per_phrase_cost(func, cases: list[dict], repeat: int) -> list[float]:
    """Median time in microseconds of each phrase, warm."""
    costs = []
    for case in cases:
        func(case["text"], case["now"])  # warm this phrase's path
        samples = []
        for _ in range(repeat):
            t0 = time.perf_counter_ns()
            func(case["text"], case["now"])
            samples.append(time.perf_counter_ns() - t0)
        costs.append(statistics.median(samples) / 1000)
    return costs


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


_FRESH = """
import json, sys, time
t0 = time.perf_counter()
{import_line}
t1 = time.perf_counter()
from datetime import datetime
from zoneinfo import ZoneInfo
now = datetime(2026, 11, 25, 14, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
t2 = time.perf_counter()
{warm_line}
t3 = time.perf_counter()
{call_line}
t4 = time.perf_counter()
print(json.dumps({{"import": t1 - t0, "warm": t3 - t2, "first": t4 - t3}}))
"""


def fresh(kind: str, phrase: str, warm: bool, runs: int) -> dict[str, float]:
    """Median (over fresh interpreters) of import, warm-up and first-call seconds."""
    if kind == "parse_window":
        import_line = "from bot.timeparse import parse_window, warm_up"
        warm_line = "warm_up()" if warm else "pass"
        call_line = f"parse_window({phrase!r}, now)"
    else:
        import_line = "import dateparser"
        warm_line = "pass"
        lang = "zh" if CJK.search(phrase) else "en"
        call_line = (f"dateparser.parse({phrase!r}, languages=[{lang!r}], settings="
                     "{'RELATIVE_BASE': now.replace(tzinfo=None), 'PREFER_DATES_FROM': 'future'})")
    code = _FRESH.format(import_line=import_line, warm_line=warm_line, call_line=call_line)
    samples = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout
        samples.append(json.loads(out))
    return {key: statistics.median(s[key] for s in samples) for key in samples[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15, help="timed calls per phrase")
    parser.add_argument("--runs", type=int, default=5, help="fresh interpreters per start-up row")
    args = parser.parse_args()

    cases = load_corpus()
    warm_up()

    print(f"corpus: {CORPUS.relative_to(ROOT)} — {len(cases)} cases, "
          f"{len({c['now'] for c in cases})} reference instants")
    print()
    print(f"{'accuracy':<22}{'cases':>7}{'parse_window':>16}{'dateparser.parse':>20}")
    groups = ["points", "ranges + durations", "refusals"]
    totals = [0, 0, 0]
    for name in groups:
        subset = [c for c in cases if category(c) == name]
        ours = sum(parse_window_right(c) for c in subset)
        theirs = sum(dateparser_right(c) for c in subset)
        totals = [totals[0] + len(subset), totals[1] + ours, totals[2] + theirs]
        print(f"{name:<22}{len(subset):>7}{ours:>9} {ours / len(subset):>6.1%}"
              f"{theirs:>13} {theirs / len(subset):>6.1%}")
    n, ours, theirs = totals
    print(f"{'all':<22}{n:>7}{ours:>9} {ours / n:>6.1%}{theirs:>13} {theirs / n:>6.1%}")

    print()
    print(f"{'accuracy by kind':<22}{'cases':>7}{'parse_window':>16}{'dateparser.parse':>20}")
    for kind in dict.fromkeys(c["kind"] for c in cases):
        subset = [c for c in cases if c["kind"] == kind]
        ours_k = sum(parse_window_right(c) for c in subset)
        theirs_k = sum(dateparser_right(c) for c in subset)
        print(f"{kind:<22}{len(subset):>7}{ours_k:>9} {ours_k / len(subset):>6.1%}"
              f"{theirs_k:>13} {theirs_k / len(subset):>6.1%}")
    print(f"{'overall':<22}{n:>7}{ours:>9} {ours / n:>6.1%}{theirs:>13} {theirs / n:>6.1%}")

    ours_cost = per_phrase_cost(safe_parse_window, cases, args.repeat)
    theirs_cost = per_phrase_cost(plain_dateparser, cases, args.repeat)
    med_ratio = statistics.median(ours_cost) / statistics.median(theirs_cost)
    p99_ratio = p99(ours_cost) / p99(theirs_cost)
    print()
    print(f"{'warm cost per phrase':<22}{'parse_window':>16}{'dateparser.parse':>20}{'ratio':>9}")
    print(f"{'median':<22}{statistics.median(ours_cost):>13.0f} µs"
          f"{statistics.median(theirs_cost):>17.0f} µs{med_ratio:>8.2f}x")
    print(f"{'p99':<22}{p99(ours_cost):>13.0f} µs{p99(theirs_cost):>17.0f} µs{p99_ratio:>8.2f}x")

    print()
    print(f"fresh interpreter, median of {args.runs} runs (ms)")
    print(f"{'':<44}{'import':>8}{'warm_up':>9}{'1st call':>10}")
    rows = [
        ("parse_window, no warm-up, English", "parse_window", FIRST_EN, False),
        ("parse_window, no warm-up, English date", "parse_window", FIRST_EN_DATE, False),
        ("parse_window, no warm-up, Chinese", "parse_window", FIRST_ZH, False),
        ("parse_window after warm_up(), English", "parse_window", FIRST_EN, True),
        ("parse_window after warm_up(), English date", "parse_window", FIRST_EN_DATE, True),
        ("parse_window after warm_up(), Chinese", "parse_window", FIRST_ZH, True),
        ("dateparser.parse, English date", "dateparser", FIRST_EN_DATE, False),
        ("dateparser.parse, Chinese", "dateparser", FIRST_ZH, False),
    ]
    after_warm = []
    for label, kind, phrase, warm in rows:
        r = fresh(kind, phrase, warm, args.runs)
        warm_text = f"{r['warm'] * 1000:>9.1f}" if warm else f"{'-':>9}"
        print(f"{label:<44}{r['import'] * 1000:>8.1f}{warm_text}{r['first'] * 1000:>10.1f}")
        if warm:
            after_warm.append(r["first"] * 1000)

    print()
    worst_first = max(after_warm)
    print(f"target: warm median <= 0.25x dateparser ..... {med_ratio:.2f}x "
          f"{'PASS' if med_ratio <= 0.25 else 'FAIL'}")
    print(f"target: first request after warm-up <= 50 ms  {worst_first:.1f} ms "
          f"{'PASS' if worst_first <= 50 else 'FAIL'}")


if __name__ == "__main__":
    main()
