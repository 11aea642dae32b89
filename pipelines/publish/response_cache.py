"""An in-memory cache of whole responses, for a server whose database cannot change.

The published database is immutable between builds, so a page answered once is the same
page until the file is replaced: ``cosp serve`` keeps recent answers (an LRU bounded in
entries and bytes) keyed by the database file's identity (device and inode), the host, the
path and the query string (Datasette writes absolute links from the ``Host`` header, so a page
is the same only for the same host; ``guard.HostGuard`` refuses unknown hosts before this).  A rebuild gives a new inode, hence new keys: nothing stale is served.
Only anonymous GETs answered 200 without a ``Set-Cookie`` are kept, so no user's or
session's response is ever given to another.  This is what a CDN or Varnish in front of
Datasette would do; it is built in so a single ``cosp serve`` holds up under load
(``cosp bench --hostile``).  ``cosp bench --serve`` and the tests measure pages uncached.
"""
from __future__ import annotations

import asyncio
import os
from collections import OrderedDict
from typing import Callable, Iterable

MAX_ENTRIES = 512
MAX_ENTRY_BYTES = 1 << 20
MAX_BYTES = 64 << 20


class ResponseCache:
    def __init__(self, app, files: Callable[[], Iterable[str]], max_entries: int = MAX_ENTRIES,
                 max_bytes: int = MAX_BYTES, max_entry_bytes: int = MAX_ENTRY_BYTES):
        self.app, self.files = app, files
        self.max_entries, self.max_bytes, self.max_entry_bytes = max_entries, max_bytes, max_entry_bytes
        self.entries: OrderedDict[tuple, tuple[int, list, bytes]] = OrderedDict()
        self.size = 0
        self.hits = self.misses = 0
        self.pending: dict[tuple, asyncio.Event] = {}  # a miss being answered: the same request waits for it

    def _identity(self) -> tuple:
        out = []
        for path in self.files():
            try:
                info = os.stat(path)
                out.append((info.st_dev, info.st_ino, info.st_mtime_ns))
            except OSError:
                out.append(None)
        return tuple(out)

    @staticmethod
    def _cacheable_request(scope) -> bool:
        if scope.get("type") != "http" or scope.get("method") != "GET":
            return False
        names = {k.lower() for k, _ in scope.get("headers", [])}
        return not names & {b"cookie", b"authorization"}

    async def __call__(self, scope, receive, send):
        if not self._cacheable_request(scope):
            await self.app(scope, receive, send)
            return
        host = next((v for k, v in scope.get("headers", []) if k.lower() == b"host"), b"")
        key = (self._identity(), host, scope.get("path"), scope.get("query_string", b""))
        if key not in self.entries and key in self.pending:  # one render for many callers of a new page
            await self.pending[key].wait()
        hit = self.entries.get(key)
        if hit is not None:
            self.entries.move_to_end(key)
            self.hits += 1
            status, headers, body = hit
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        self.misses += 1
        start: dict = {}
        chunks: list[bytes] = []
        keep = [True]
        size = [0]

        async def capture(message):
            if message["type"] == "http.response.start":
                start.update(message)
                headers = {k.lower() for k, _ in message.get("headers", [])}
                keep[0] = message.get("status") == 200 and b"set-cookie" not in headers
            elif message["type"] == "http.response.body" and keep[0]:
                chunks.append(message.get("body", b""))
                size[0] += len(chunks[-1])
                if size[0] > self.max_entry_bytes:
                    keep[0] = False
                    chunks.clear()
            await send(message)

        first = key not in self.pending
        if first:
            self.pending[key] = asyncio.Event()
        try:
            await self.app(scope, receive, capture)
            if keep[0] and start:
                self._store(key, start["status"], list(start.get("headers", [])), b"".join(chunks))
        finally:
            if first:
                self.pending.pop(key).set()

    def _store(self, key, status, headers, body) -> None:
        self.entries[key] = (status, headers, body)
        self.size += len(body)
        while len(self.entries) > self.max_entries or self.size > self.max_bytes:
            _, (_, _, old) = self.entries.popitem(last=False)
            self.size -= len(old)
