"""Giving memory back to the system after large request and response bodies.

A large body (a metadata PATCH of megabytes) is parsed into many Python objects and
temporary buffers; once freed, glibc keeps most of that memory in its heaps, so a
server's RSS stays at its peak long after a burst; building a large response (a table of
10,000 samples, tens of MB of JSON) does the same. When the last large request or response
in flight has been answered, the middleware runs a garbage collection and glibc's
`malloc_trim(0)` in a thread, which returns the free heap pages to the system.
Elsewhere than glibc it only collects garbage.

That trim cannot reach memory held by CPython's own small-object allocator: its 256 KiB
arenas are freed only when every block in them is free, and a few long-lived objects
allocated during a burst pin most of them (measured: no Python object of the request
outlives it, yet RSS stayed about 1.7-1.9 x idle). `qiita-gateway serve` therefore runs
the server with `PYTHONMALLOC=malloc` (every allocation through glibc, whose free pages
the trim returns) unless PYTHONMALLOC is already set; see bench/RESULTS.md.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import logging
import os
import sys
from collections.abc import Callable, Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)

LARGE_BODY_BYTES = 1024 * 1024
"""Bodies from this size on are followed by a release of memory."""


def _load_malloc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim  # type: ignore[no-any-return]


_malloc_trim = _load_malloc_trim()


SYSTEM_ALLOCATOR = "malloc"


def environment_with_system_allocator(environ: Mapping[str, str]) -> dict[str, str] | None:
    """`environ` with PYTHONMALLOC=malloc, or None when PYTHONMALLOC is already chosen."""
    if "PYTHONMALLOC" in environ:
        return None
    return {**environ, "PYTHONMALLOC": SYSTEM_ALLOCATOR}


def restart_with_system_allocator() -> None:
    """Replace this process by the same command with PYTHONMALLOC=malloc (glibc only)."""
    environ = environment_with_system_allocator(os.environ)
    if environ is None or _malloc_trim is None:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], environ)


def release_memory() -> None:
    """A full garbage collection, then free heap pages back to the system (glibc)."""
    gc.collect()
    if _malloc_trim is not None:
        _malloc_trim(0)


class ReleaseMemoryMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.large_in_flight = 0
        self.releasing: asyncio.Task[None] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        large = _is_large(scope)
        if large:
            self.large_in_flight += 1
        sent = 0

        async def send_counting(message: Message) -> None:
            nonlocal large, sent
            if not large and message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
                if sent >= LARGE_BODY_BYTES:  # a large response: tables, documents, files
                    large = True
                    self.large_in_flight += 1
            await send(message)

        try:
            await self.app(scope, receive, send_counting)
        finally:
            if large:
                self.large_in_flight -= 1
                if self.large_in_flight == 0 and (self.releasing is None or self.releasing.done()):
                    self.releasing = asyncio.create_task(asyncio.to_thread(release_memory))


def _is_large(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return text.isdigit() and int(text) >= LARGE_BODY_BYTES
        if name == b"transfer-encoding":
            return True
    return False
