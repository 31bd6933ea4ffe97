"""Reading a request body without ever holding more of it than the endpoint accepts."""

from __future__ import annotations

from starlette.requests import Request


class BodyTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"body over {limit} bytes")
        self.limit = limit


async def read_limited(request: Request, limit: int) -> bytes:
    """The body, read chunk by chunk as it arrives; ``BodyTooLarge`` as soon as it passes
    ``limit`` bytes (before reading anything when Content-Length says it will), so a large
    body is never held whole. Starlette's ``ClientDisconnect`` passes through."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)
