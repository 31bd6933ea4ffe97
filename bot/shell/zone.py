"""The machine's IANA time zone, for `recordbot shell` and `recordbot parse` defaults.

``datetime.now().astimezone()`` only yields a fixed offset ("+08:00"), which cannot say what
"tomorrow 8pm" means across a DST change; the bot reads windows in IANA zones. So the name is
looked up where Unix keeps it: the ``TZ`` variable, the ``/etc/localtime`` link into the
zoneinfo tree, then ``/etc/timezone``. Anything unusable falls back to UTC, without a new
dependency.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

FALLBACK = "UTC"


def _from_path(path: str) -> str:
    """``/usr/share/zoneinfo/Europe/Paris`` (or macOS's ``…/zoneinfo/…``) -> ``Europe/Paris``."""
    marker = "zoneinfo/"
    return path.split(marker, 1)[1] if marker in path else path


def _candidates(environ: dict[str, str], localtime: Path, timezone_file: Path) -> list[str]:
    found: list[str] = []
    tz = environ.get("TZ", "").strip().lstrip(":")
    if tz:
        found.append(_from_path(tz))
    with contextlib.suppress(OSError):
        found.append(_from_path(os.readlink(localtime)))
    with contextlib.suppress(OSError):
        found.append(timezone_file.read_text(encoding="utf-8").strip())
    return found


def is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def machine_zone(
    environ: dict[str, str] | None = None,
    localtime: Path = Path("/etc/localtime"),
    timezone_file: Path = Path("/etc/timezone"),
) -> str:
    """The IANA name of this machine's zone, or UTC when it cannot be told."""
    env = dict(os.environ) if environ is None else environ
    for name in _candidates(env, localtime, timezone_file):
        if name and is_zone(name):
            return name
    return FALLBACK


def resolve_zone(name: str | None) -> str:
    """``name`` checked (or the machine's zone); ValueError with a message a person can act on."""
    if name is None:
        return machine_zone()
    name = name.strip()
    if not is_zone(name):
        raise ValueError(
            f"{name!r} is not an IANA time zone; use a name such as Asia/Shanghai, "
            "Europe/Berlin or UTC."
        )
    return name
