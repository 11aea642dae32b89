"""What is new: the builds, newest first, with the documents each brought and their mandates,
and the feeds (Atom, by datasette-atom over canned queries) a reader can follow."""
from __future__ import annotations

import json
import sqlite3

from pipelines.publish.pagekit import document_url, rows

BUILDS_SHOWN = 10


def news_page(conn: sqlite3.Connection, database: str) -> dict:
    builds = rows(conn, "select id, built_at, documents, added, changed, removed, stale from build_history "
                        "order by id desc limit ?", [BUILDS_SHOWN])
    for b in builds:
        added = json.loads(b["added"] or "[]")
        b["changed_n"], b["removed_n"] = len(json.loads(b["changed"] or "[]")), len(json.loads(b["removed"] or "[]"))
        marks = ", ".join("?" for _ in added)
        b["new"] = rows(conn, f"select d.id, d.name as label, d.title, d.date, "
                              f"(select count(*) from mandates m where m.document = d.id) as mandates "
                              f"from documents d where d.id in ({marks}) order by d.date desc, d.id", added) if added else []
        for d in b["new"]:
            d["url"] = document_url(d["id"])
    feeds = [("New documents", f"/{database}/new_documents.atom"),
             ("New mandates", f"/{database}/new_mandates.atom"),
             ("New mandates addressed to the Secretariat", f"/{database}/new_mandates.atom?addressee=the+Secretariat"),
             ("A saved search, e.g. asset recovery", f"/{database}/search_feed.atom?q=asset+recovery")]
    since = builds[1]["built_at"] if len(builds) > 1 else None
    return {"builds": builds, "feeds": feeds, "since": since}
