"""What the Datasette plugin's hooks do besides pages: each connection's limits and SQL
functions, the error page, and serving a rebuilt database file.

Kept apart from the pages (``site.py``, ``entities.py``): these touch the server, not the data."""
from __future__ import annotations

import asyncio
import gc
import json
import os
import re
import sqlite3
import threading
from functools import lru_cache
from typing import Optional

from pipelines.guidelines.redline import sides, wdiff
from pipelines.publish.guard import SQLITE_HEAP_LIMIT, BoundedConnection
from pipelines.publish.search import fts_query, ref_ids

SQLITE_MAX_LENGTH = 8_000_000  # bytes in one string or blob a query may build: zeroblob(100000000) is refused
SQLITE_MAX_COLUMNS = 100  # columns in a result: the widest table has 29


def settle_heap() -> None:
    """Once the server has imported everything (Datasette, its plugins, numpy through pint):
    keep those objects out of the garbage collector's sweeps.  A full collection walked the
    ~95,000 start-up objects every dozen page renders and made that request 70-90 ms slower
    (the seeds' ``mandates`` page: p50 55 ms, p95 150 ms); frozen, a sweep sees only what the
    requests made.  (``gc.freeze`` is the standard library's tool for exactly this.)"""
    gc.collect()
    gc.freeze()


def bound_connection(conn: sqlite3.Connection) -> None:
    """SQLite's own limits on every connection the site opens: a query cannot build a value of
    100 MB (``select zeroblob(100000000)``) in the server's memory, whatever the SQL time limit."""
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, SQLITE_MAX_LENGTH)
    conn.setlimit(sqlite3.SQLITE_LIMIT_COLUMN, SQLITE_MAX_COLUMNS)
    conn.execute(f"PRAGMA hard_heap_limit = {SQLITE_HEAP_LIMIT}")  # the whole process's SQLite heap
    conn.create_function("cosp_fts", 1, fts_query, deterministic=True)
    conn.create_function("cosp_ref_ids", 1, ref_ids, deterministic=True)
    conn.create_function("cosp_side", 2, _side, deterministic=True)
    conn.create_function("cosp_wdiff", 1, _wdiff, deterministic=True)


def is_index_internal(table: str) -> bool:
    """The full-text index's shadow tables (``texts_fts_idx``, ``_data``, ``_docsize``,
    ``_config``): SQLite's bookkeeping, whose rows have no page (a crawl met 48 dead links)."""
    return bool(re.fullmatch(r"\w+_fts_(?:idx|data|docsize|config|content)", table or ""))


def error_response(datasette, request, exception):
    """Datasette's error page without its console traceback: a 404 is an ordinary answer (one
    log line, no 160 lines of locals), and any other error one line naming the path."""
    import sys

    from datasette.utils import add_cors_headers
    from datasette.utils.asgi import Response

    async def inner():
        status = getattr(exception, "status", 500)  # Base400 and DatasetteError carry theirs
        if not isinstance(status, int):
            status = 500
        message = getattr(exception, "message", None) or (exception.args[0] if exception.args else str(exception))
        if status == 500 and _bad_parameters(request, exception, str(message)):
            status = 400
            message = f"this page could not use its parameters ({str(message)[:200]}): correct or remove them"
        print(f"cosp-tracker: {status} {request.path}: {type(exception).__name__}: {str(message)[:200]}",
              file=sys.stderr, flush=True)
        if status >= 500 and outdated(exception):
            message = OUTDATED
        elif status >= 500:
            message = "Something went wrong on this page; the error is in the server's log."
        info = {"ok": False, "error": str(message), "status": status, "title": None}
        headers = {}
        if datasette.cors:
            add_cors_headers(headers)
        if request.path.split("?")[0].endswith(".json"):
            return Response.json(info, status=status, headers=headers)
        template = datasette.jinja_env.select_template([f"{status}.html", "error.html"])
        html = await template.render_async(dict(info, urls=datasette.urls, app_css_hash=datasette.app_css_hash(),
                                                menu_links=lambda: [], base_url=datasette.setting("base_url"),
                                                show_logout=False, crumb_items=lambda **kw: []))
        return Response.html(html, status=status, headers=headers)

    return inner


OUTDATED = ("This database was built by another version of cosp-tracker and lacks what this page needs: "
            "rebuild it with `cosp build` (`make demo` does), then reload the page.")


def outdated(exception: BaseException) -> bool:
    """An error that says the database predates the code serving it (a table or column missing)."""
    return isinstance(exception, sqlite3.OperationalError) and bool(
        re.match(r"no such (?:column|table)", str(exception)))


def missing_schema(db_path) -> list[str]:
    """The tables and columns the site needs that a built database lacks ("documents.name"):
    empty for a database this version built."""
    from pipelines.database.schema import TABLES

    conn = sqlite3.connect(f"file:{db_path}?mode=ro&immutable=1", uri=True)
    try:
        missing = []
        for table, spec in TABLES.items():
            have = {r[1] for r in conn.execute(f"pragma table_info([{table}])")}
            missing += [table] if not have else [f"{table}.{c}" for c in spec["columns"] if c not in have]
        return missing
    finally:
        conn.close()


# What Datasette's own views raise when a query-string parameter is not what they expect
# (``_through=x`` is parsed as JSON, ``_timelimit=abc`` as an int, ``_sort=nonexistent`` is a
# DatasetteError that defaults to 500): the visitor's mistake, answered 400 with the reason.
PARAMETER_ERRORS = (ValueError, KeyError, TypeError, IndexError, OverflowError, sqlite3.ProgrammingError)


def _bad_parameters(request, exception: BaseException, message: str) -> bool:
    """A 500 that the request's parameters caused: only a request that has parameters, and
    only errors of parsing and looking values up (a page without parameters that fails is a
    server bug and stays a 500)."""
    if not request.query_string:
        return False
    return isinstance(exception, PARAMETER_ERRORS) or message.startswith("Cannot sort table by")


def _opened(datasette) -> dict[str, tuple[int, int]]:
    """Database name -> (device, inode) of the file it opened, kept on the instance."""
    if not hasattr(datasette, "_cosp_opened"):
        datasette._cosp_opened = {}
    return datasette._cosp_opened


@lru_cache(maxsize=1)
def _fresh_database_class():
    from datasette.database import Database

    class FreshDatabase(Database):
        """A Datasette database whose per-thread connections belong to it.  Datasette keeps them
        in one thread-local keyed by database name, so a database re-added under its name would
        go on reading the old file; here they go with the object (and are closed with it)."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._local = threading.local()

        def connect(self, write=False):
            """Datasette's read-only connection to the immutable file, with cursors that count
            the bytes a query returns (``guard.BoundedCursor``)."""
            if write or not self.path:
                return super().connect(write)
            conn = sqlite3.connect(f"file:{self.path}?immutable=1", uri=True, check_same_thread=False,
                                   factory=BoundedConnection)
            self._all_file_connections.append(conn)
            return conn

        async def execute_fn(self, fn):
            if self.ds.executor is None:
                return await super().execute_fn(fn)

            def in_thread():
                conn = getattr(self._local, "conn", None)
                if conn is None:
                    conn = self.connect()
                    self.ds._prepare_connection(conn, self.name)
                    self._local.conn = conn
                return fn(conn)

            return await asyncio.get_running_loop().run_in_executor(self.ds.executor, in_thread)

    return FreshDatabase


def open_databases(datasette) -> None:
    """Give every file database of the instance connections of its own (see FreshDatabase)."""
    fresh = _fresh_database_class()
    for name, db in list(datasette.databases.items()):
        if db.path and not isinstance(db, fresh):
            datasette.remove_database(name)
            datasette.add_database(fresh(datasette, db.path, is_mutable=False), name=name)
            info = os.stat(db.path)
            _opened(datasette)[name] = (info.st_dev, info.st_ino)


def reopen_if_rebuilt(datasette) -> Optional[str]:
    """Serve the new database after a rebuild: ``cosp build`` replaces the file (a new inode)
    and an open SQLite connection keeps reading the old one, so when the path names another
    file than the one opened, the database is replaced by one on the new file (its
    connections, counts and caches start afresh).  A stat per request; returns the name of a
    database it reopened."""
    for name, db in list(datasette.databases.items()):
        if not db.path:
            continue
        try:
            info = os.stat(db.path)
        except OSError:  # between two builds' renames, or removed: keep serving what is open
            continue
        now = (info.st_dev, info.st_ino)
        if _opened(datasette).setdefault(name, now) != now:
            datasette.remove_database(name)
            datasette.add_database(_fresh_database_class()(datasette, db.path, is_mutable=False), name=name)
            _opened(datasette)[name] = now
            return name
    return None


def _side(diff_ops: Optional[str], which: str) -> Optional[str]:
    """SQL ``cosp_side(diff_ops, 'old'|'new')``: one side of the redline, as on the redline page."""
    if not diff_ops:
        return None
    left, right = sides(json.loads(diff_ops))
    return str(left if which == "old" else right)


def _wdiff(diff_ops: Optional[str]) -> Optional[str]:
    """SQL ``cosp_wdiff(diff_ops)``: the redline as plain text (``redline.wdiff``)."""
    return wdiff(json.loads(diff_ops)) if diff_ops else None
