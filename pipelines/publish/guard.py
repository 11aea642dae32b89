"""What stands between a visitor and the server's work: which hosts it answers to, and how
much of the SQL work one request, or one client, may take.

A public read-only service must not let one visitor change or degrade what another sees:

- ``HostGuard`` answers only to the host names it is served under.  Datasette writes
  absolute links from the request's ``Host`` header (facets, JSON ``next_url``), so a page
  rendered for ``Host: evil.example`` links to evil.example; refused at the door, such a
  page is never made, let alone cached.
- ``Admission`` lets a fixed number of uncached requests work at a time, in two lanes:
  arbitrary SQL and exports (``sql=``, ``_size=max``, ``_stream``, the database file) have
  their own narrow lane, so the pages people read never queue behind
  heavy queries.  Within a lane, clients are served round-robin (one client's hundred
  requests do not starve another's one), waiting requests are bounded, and a request that
  cannot be admitted in time is told to come back (503 with ``Retry-After``), never left
  hanging.  Cached responses and static files are answered before this.
- ``bounded_connection`` (in ``hooks.py``) and ``BoundedCursor`` cap the bytes a query may
  return and the heap SQLite may use, so no query builds a response the server cannot hold.
"""
from __future__ import annotations

import asyncio
import sqlite3
from collections import OrderedDict, deque
from typing import Iterable, Optional

# Bytes of values one query may hand to Python (Datasette then renders them).  A page of 200
# paragraphs is under 1 MB; a response far larger is a download, which the table pages offer
# through ``_next`` (and CSV ``_stream``), page by page.
RESULT_BUDGET = 24 << 20
# SQLite's heap across the process (PRAGMA hard_heap_limit): values built while a row is made
# (``zeroblob``, ``printf``, ``group_concat``) count here before Python sees them.
SQLITE_HEAP_LIMIT = 256 << 20
LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")


def allowed_hosts(host: str, port: int, extra: Iterable[str] = ()) -> frozenset[str]:
    """The ``Host`` header values the server answers to: the loopback names (and the bound
    address) at its port, and every name given with ``--allowed-host`` (as given, with or
    without a port; ``*`` answers to any host, for a server behind a proxy that checks)."""
    names = set(LOCAL_NAMES)
    if host not in ("0.0.0.0", "::", ""):
        names.add(f"[{host}]" if ":" in host else host)
    out = {f"{n}:{port}" for n in names}
    if port == 80:
        out |= names
    out |= {e.strip().lower() for e in extra if e.strip()}
    return frozenset(out)


class HostGuard:
    """Refuse any request whose ``Host`` is not one the server is served under (400)."""

    def __init__(self, app, hosts: frozenset[str]):
        self.app, self.hosts = app, hosts

    async def __call__(self, scope, receive, send):
        if scope.get("type") == "http" and "*" not in self.hosts:
            host = dict(scope.get("headers", [])).get(b"host", b"").decode("latin-1").lower()
            if host not in self.hosts:
                await plain(send, 400, f"This server does not answer to the host {host[:100]!r}. "
                                       f"Use one of: {', '.join(sorted(self.hosts))}.\n")
                return
        await self.app(scope, receive, send)


async def plain(send, status: int, text: str, headers: Optional[list] = None) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")] + (headers or [])})
    await send({"type": "http.response.body", "body": text.encode("utf-8")})


def is_heavy(scope) -> bool:
    """Arbitrary SQL and exports: the requests whose cost a visitor chooses (a table's or a
    canned query's page, in any format, is bounded by the page size)."""
    query = scope.get("query_string", b"")
    return b"sql=" in query or b"_size=max" in query or b"_stream=" in query or scope.get("path", "").endswith(".db")


def is_static(scope) -> bool:
    return scope.get("path", "").startswith(("/-/static", "/-/static-plugins", "/favicon"))


class Lane:
    """``slots`` requests at work at a time; the others wait, served round-robin by client."""

    def __init__(self, slots: int, queue_limit: int):
        self.slots, self.queue_limit = slots, queue_limit
        self.active = 0
        self.waiting: OrderedDict[str, deque[asyncio.Future]] = OrderedDict()
        self.queued = 0

    async def acquire(self, client: str, wait_s: float) -> bool:
        if self.active < self.slots and not self.queued:
            self.active += 1
            return True
        if self.queued >= self.queue_limit:
            return False
        future = asyncio.get_running_loop().create_future()
        self.waiting.setdefault(client, deque()).append(future)
        self.queued += 1
        try:
            await asyncio.wait_for(asyncio.shield(future), wait_s)
            return True
        except asyncio.TimeoutError:
            if future.done() and not future.cancelled():  # admitted as the wait ran out: take it
                return True
            self._forget(client, future)
            return False
        except asyncio.CancelledError:  # the client went away
            if future.done() and not future.cancelled():
                self.release()
            else:
                self._forget(client, future)
            raise

    def _forget(self, client: str, future: asyncio.Future) -> None:
        queue = self.waiting.get(client)
        if queue and future in queue:
            queue.remove(future)
            self.queued -= 1
            if not queue:
                del self.waiting[client]
        future.cancel()

    def release(self) -> None:
        """A request is done: its slot goes to the next client in turn, else is freed."""
        while self.waiting:
            client, queue = next(iter(self.waiting.items()))
            future = queue.popleft()
            self.queued -= 1
            if queue:
                self.waiting.move_to_end(client)  # round-robin: this client's next request waits its turn
            else:
                del self.waiting[client]
            if not future.done():
                future.set_result(True)
                return
        self.active -= 1


class Admission:
    """Two lanes of admission in front of Datasette (see the module's docstring)."""

    def __init__(self, app, page_slots: int = 4, heavy_slots: int = 1, queue_limit: int = 400,
                 wait_s: float = 20.0):
        self.app, self.wait_s = app, wait_s
        self.pages, self.heavy = Lane(page_slots, queue_limit), Lane(heavy_slots, queue_limit // 4)

    async def __call__(self, scope, receive, send):
        if scope.get("type") != "http" or is_static(scope):
            await self.app(scope, receive, send)
            return
        lane = self.heavy if is_heavy(scope) else self.pages
        client = (scope.get("client") or ("?",))[0]
        if not await lane.acquire(client, self.wait_s):
            await plain(send, 503, "The server is busy with other requests: try again in a few seconds.\n",
                        [(b"retry-after", b"2")])
            return
        try:
            await self.app(scope, receive, send)
        finally:
            lane.release()


class BoundedCursor(sqlite3.Cursor):
    """A cursor that stops handing rows to Python once their values pass ``RESULT_BUDGET``
    bytes: rows are fetched one at a time and their text and blob values counted, so a query
    asking for 60 rows of 8 MB is refused at about 24 MB, not after building 2.8 GB."""

    budget = RESULT_BUDGET

    def _counted(self, rows: Iterable) -> list:
        out, used = [], getattr(self, "_used", 0)
        for row in rows:
            for value in row if isinstance(row, (tuple, list)) else row:
                if isinstance(value, (str, bytes)):
                    used += len(value)
            if used > self.budget:
                raise sqlite3.OperationalError(
                    f"the result is over {self.budget >> 20} MB: ask for fewer rows or columns, or page with _next")
            out.append(row)
        self._used = used
        return out

    def execute(self, sql, parameters=()):
        try:
            return super().execute(sql, parameters)
        except MemoryError:
            raise _too_big() from None

    def _rows(self, size: int):
        fetch = super().fetchone
        while size:
            try:
                row = fetch()
            except MemoryError:  # SQLite's hard heap limit: a value or row too big to build
                raise _too_big() from None
            if row is None:
                return
            yield row
            size -= 1

    def fetchmany(self, size: Optional[int] = None):
        return self._counted(self._rows(self.arraysize if size is None else size))

    def fetchall(self):
        return self._counted(self._rows(-1))

    def __iter__(self):
        return iter(self.fetchall())


def _too_big() -> sqlite3.OperationalError:
    return sqlite3.OperationalError("the query needs more memory than one request may use: "
                                    "ask for fewer or smaller values")


class BoundedConnection(sqlite3.Connection):
    """Connections whose cursors are ``BoundedCursor`` (``connection.execute`` included)."""

    def cursor(self, factory=BoundedCursor):
        return super().cursor(factory)

    def execute(self, sql, parameters=()):
        return self.cursor().execute(sql, parameters)
