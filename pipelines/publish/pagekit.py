"""What the page modules share: one query helper, the page size, and the URL of each thing's page.

Every in-site link the pages and the cell renderer print is made here, so an address
changes in one place."""
from __future__ import annotations

import re
import sqlite3
from typing import Optional
from urllib.parse import quote, urlencode

from datasette.utils import tilde_encode

PAGE_SIZE = 200  # sightings per mandate-thread page: a thread at corpus scale has thousands


def rows(conn: sqlite3.Connection, sql: str, params=()) -> list[dict]:
    cur = conn.execute(sql, params)
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def document_url(doc_id: str, at: Optional[str] = None) -> str:
    """The reading page of a document, by file id or by symbol (slashes kept: the route takes them)."""
    if "/" in doc_id:
        return f"/-/cosp/document/{quote(doc_id, safe='/')}" + (f"#p-{quote(at)}" if at else "")
    key = doc_id if re.fullmatch(r"[\w.-]+", doc_id, re.A) else tilde_encode(doc_id)  # "a b.txt" -> "a~20b~2Etxt"
    return f"/-/cosp/document/{key}" + (f"#p-{quote(at)}" if at else "")


def readable_document_url(doc_id: str, symbol: Optional[str], language: Optional[str], at: Optional[str] = None) -> str:
    """A document's page by its symbol where the symbol names this version (the English one,
    which a symbol's page opens first), else by its file id."""
    return document_url(symbol if symbol and (language or "en") == "en" else doc_id, at)


def document_id(path_part: str) -> str:
    """The id in a document page's path: tilde-encoded, as Datasette encodes keys ("a b.txt" is
    "a~20b.txt"); a percent-encoded or plain name is read too."""
    from urllib.parse import unquote

    from datasette.utils import tilde_decode

    try:
        return tilde_decode(unquote(path_part))
    except Exception:
        return unquote(path_part)


def mandate_url(thread: str) -> str:
    return f"/-/cosp/mandate?thread={quote(thread)}"


def resolution_url(rid: str) -> str:
    return f"/-/cosp/resolution?id={quote(rid, safe='/')}"  # "?id=7/1": a slash needs no escape in a query


def row_url(database: str, table: str, pk: str) -> str:
    """Datasette's row page: the key tilde-encoded, so "8/9" and "a.txt" stay one key."""
    return f"/{quote(database)}/{table}/{tilde_encode(pk)}"


def addressee_url(name: str) -> str:
    return f"/-/cosp/addressee?{urlencode({'name': name})}"


# Entity kinds with a page: (path under /-/cosp/, registry table, its key column).
ENTITY_KINDS = {"network": ("network", "networks", "name"), "organisation": ("organisation", "organisations", "name"),
                "country": ("country", "countries", "iso3"), "regional_group": ("group", None, None)}


def entity_url(kind: str, name: Optional[str] = None) -> str:
    """The page of a network, organisation, country (by ISO3) or regional group; with no name,
    the list of every one of that kind the corpus names."""
    path = f"/-/cosp/{ENTITY_KINDS[kind][0]}"
    return f"{path}?{urlencode({'name': name})}" if name else path


def redline_url(from_version: str, to_version: str, shifts: bool = False) -> str:
    return f"/-/cosp/redline?{urlencode({'from': from_version, 'to': to_version})}" + ("&shifts=1" if shifts else "")


def context(text: str, start: int, end: int, width: int = 160) -> tuple[str, str, str]:
    """The words around a mention: (before, the mention, after), cut at word boundaries."""
    a, b = max(0, start - width), min(len(text), end + width)
    before, after = text[a:start], text[end:b]
    if a > 0:
        before = "…" + before.split(" ", 1)[-1]
    if b < len(text):
        after = after.rsplit(" ", 1)[0] + "…"
    return before, text[start:end], after
