"""The front door and the site's search: what the corpus holds, what is new, the questions people
come with, and one search box that goes straight to a resolution, document or network when the
words name one, and otherwise to the paragraphs that say them."""
from __future__ import annotations

import json
import sqlite3
from typing import Optional

from datasette.utils import sqlite_timelimit

from pipelines.publish import resolutions
from pipelines.publish.entities import find_entity
from pipelines.publish.pagekit import (addressee_url, document_url, entity_url, readable_document_url, resolution_url,
                                       rows)
from pipelines.publish.search import fts_query
from pipelines.publish.serve import SQL_TIME_LIMIT_MS
from pipelines.publish.site import marked

RESULTS = 50


def _count(conn: sqlite3.Connection, sql: str, params=()) -> int:
    try:
        return conn.execute(sql, params).fetchone()[0] or 0
    except sqlite3.OperationalError:  # a table an older build did not make
        return 0


def home_page(conn: sqlite3.Connection) -> dict:
    """What the corpus holds (documents by body and year, resolutions, mandates, networks), the
    latest build's new documents, and where each kind of reader starts."""
    bodies = rows(conn, "select coalesce(body, 'Body not printed') as body, count(*) as n, min(year) as first, "
                        "max(year) as last from documents group by 1 order by n desc, body limit 12")
    years = rows(conn, "select year, count(*) as n from documents where year is not null group by year order by year")
    counts = dict(documents=_count(conn, "select count(*) from documents"),
                  symbols=_count(conn, "select count(distinct symbol) from documents"),
                  resolutions=_count(conn, f"select count(*) from (select ref_id from [references] where kind in "
                                           f"{resolutions.KINDS} union select id from resolutions)"),
                  mandates=_count(conn, "select count(*) from mandates"),
                  threads=_count(conn, "select count(distinct thread) from mandates"),
                  networks=_count(conn, "select count(distinct entity) from mentions where entity_type = 'network'"),
                  versions=_count(conn, "select count(*) from guideline_versions"))
    builds = rows(conn, "select built_at, added from build_history order by id desc limit 2")
    latest = builds[0] if builds else None
    since = builds[1]["built_at"] if len(builds) > 1 else None  # "new since" the build before the latest
    new = []
    if latest:
        added = json.loads(latest["added"] or "[]")[:200]
        if added:
            marks = ", ".join("?" for _ in added)
            new = rows(conn, f"select id, name, symbol, language, date from documents where id in ({marks}) "
                             "order by date desc, name limit 8", added)
            for d in new:
                d["url"] = readable_document_url(d["id"], d["symbol"], d["language"])
    secretariat = addressee_url("the Secretariat")
    busiest = next(iter(rows(conn, "select resolution, count(*) as n from mandates where resolution is not null "
                                   "and at_source = 0 group by resolution order by n desc, resolution limit 1")), None)
    cited = next(iter(rows(conn, "select ref_id, count(distinct document) as n from [references] where kind = "
                                 "'ga_resolution' group by ref_id order by n desc, ref_id limit 1")), None)
    return {"bodies": bodies, "years": years, "counts": counts, "latest": latest, "new": new, "since": since,
            "secretariat_url": secretariat,
            "busiest": dict(busiest, url=resolution_url(busiest["resolution"])) if busiest else None,
            "cited": dict(cited, url=resolution_url(cited["ref_id"])) if cited else None}


def direct_hits(conn: sqlite3.Connection, q: str) -> list[dict]:
    """What the words name outright: a resolution, a document by its symbol, a network or
    organisation by its name or acronym, an addressee."""
    hits = []
    rid = resolutions.resolve(conn, q)
    if rid:
        hits.append(dict(label=f"Resolution {rid}", what="its mandates, text and the documents citing it",
                         url=resolution_url(rid)))
    for d in rows(conn, "select id, name, symbol, title from documents where symbol = ? collate nocase "
                        "order by language = 'en' desc limit 1", [q.strip()]):
        hits.append(dict(label=d["name"], what=d["title"] or "the document", url=document_url(d["symbol"])))
    for kind in ("network", "organisation"):
        found = find_entity(conn, kind, q.strip())
        if found:
            hits.append(dict(label=found["name"] + (f" ({found['acronym']})" if found.get("acronym") else ""),
                             what=f"the {kind}'s page: every mention, document by document",
                             url=entity_url(kind, found["name"]), name=found["name"]))
    for a in rows(conn, "select addressee_key as name, count(*) as n from mandates where addressee_key = ? "
                        "collate nocase or addressee_key = 'the ' || ? collate nocase group by addressee_key",
                  [q.strip(), q.strip()]):
        hits.append(dict(label=a["name"], what=f"{a['n']} mandates addressed to it, newest first",
                         url=addressee_url(a["name"])))
    return hits


def search_page(conn: sqlite3.Connection, q: Optional[str]) -> dict:
    """The search box's answer: direct hits first, then the best-matching texts (paragraphs,
    footnotes, titles, mandates, guideline paragraphs), each linked to its place."""
    q = (q or "").strip()
    if not q:
        return {"q": "", "hits": [], "results": [], "total": 0}
    hits = direct_hits(conn, q)
    match = fts_query(q)
    named = [h["name"] for h in hits if h.get("name")]  # a network typed by acronym: its full name too
    if named:
        match = "(" + " OR ".join([match] + [fts_query(f'"{n}"') for n in named]) + ")"
    try:  # what a visitor types runs under the site's SQL time limit, as every query of theirs does
        with sqlite_timelimit(conn, SQL_TIME_LIMIT_MS):
            total = conn.execute("select count(*) from texts_fts where texts_fts match ?", [match]).fetchone()[0]
            results = rows(conn, "select t.kind, t.document, t.at, d.name, d.date, "
                                 "snippet(texts_fts, -1, char(2), char(3), '…', 30) as snippet from texts_fts "
                                 "join texts t on t.id = texts_fts.rowid join documents d on d.id = t.document "
                                 "where texts_fts match ? order by rank limit ?", [match, RESULTS])
    except sqlite3.OperationalError:  # a syntax the index refuses, or past the time limit: nothing found
        total, results = 0, []
    for r in results:
        r["url"] = document_url(r["document"], r["at"] if r["at"] and r["kind"] != "title" else None)
        r["snippet"] = marked(r["snippet"])
    return {"q": q, "hits": hits, "results": results, "total": total}
