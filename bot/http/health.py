"""``GET /healthz`` (alive) and ``GET /readyz`` (ready), on PORT in HTTP mode and on
CALLBACK_PORT in Socket Mode.

* ``/healthz`` answers 200 whenever the process answers at all, with ``{"ready": bool}``:
  for a liveness check (restart the process when it stops answering).
* ``/readyz`` answers 200 ``{"ready": true}`` only when the bot has started (migrated, time
  parser warmed) and its database answers ``SELECT 1`` within ``DATABASE_TIMEOUT`` seconds;
  otherwise 503 ``{"ready": false, "reason": "..."}``: for a load balancer or a readiness
  check (send no traffic while it is 503).

Probes arriving together share one database round trip, so a hung database cannot make the
probes take every pooled connection.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Final

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.runtime import Runtime

log = logging.getLogger(__name__)

#: Seconds /readyz waits for the database before answering 503.
DATABASE_TIMEOUT: Final = 2.0


class Health:
    def __init__(self, rt: Runtime, timeout: float = DATABASE_TIMEOUT) -> None:
        self._rt = rt
        self._timeout = timeout
        self._probe: asyncio.Task[str | None] | None = None
        self._last: str | None = None  # the last database problem, to log changes only

    async def healthz(self, request: Request) -> Response:
        return JSONResponse({"ready": self._rt.ready})

    async def readyz(self, request: Request) -> Response:
        if not self._rt.ready:
            return JSONResponse({"ready": False, "reason": "starting or stopping"},
                                status_code=503)
        why = await self.database_problem()
        if why:
            return JSONResponse({"ready": False, "reason": why}, status_code=503)
        return JSONResponse({"ready": True})

    async def database_problem(self) -> str | None:
        """None when the database answers; what went wrong otherwise (safe to show)."""
        if self._probe is None or self._probe.done():
            self._probe = asyncio.get_running_loop().create_task(self._select_one(),
                                                                 name="readyz-database")
        why = await asyncio.shield(self._probe)
        if why != self._last:
            if why:
                log.warning("not ready: %s", why)
            else:
                log.info("ready again: the database answers")
            self._last = why
        return why

    async def _select_one(self) -> str | None:
        try:
            async with asyncio.timeout(self._timeout):
                await self._rt.store.ping()
        except TimeoutError:
            return f"the database did not answer within {self._timeout:g} s"
        except Exception as e:  # any driver's error: the database cannot be used
            return f"the database cannot be reached ({type(e).__name__})"
        return None


def health_routes(rt: Runtime) -> list[Route]:
    health = Health(rt)
    return [Route("/healthz", health.healthz, methods=["GET"]),
            Route("/readyz", health.readyz, methods=["GET"])]
