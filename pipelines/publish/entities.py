"""The pages of the things documents name: addressees of mandates, practitioner networks,
organisations, countries and regional groups.

Each page says what the registry knows, what the documents state (a network's facts, a
country's replies), and every mention in its sentence, document by document, linked to the
place; with no name, the list of every one the corpus names, with counts."""
from __future__ import annotations

import re
import sqlite3
from typing import Optional
from urllib.parse import urlencode

from pipelines.publish.pagekit import (ENTITY_KINDS, PAGE_SIZE, addressee_url, context, document_url, entity_url,
                                       mandate_url, readable_document_url, resolution_url, row_url, rows)

KIND_LABELS = {"network": "Practitioner networks", "organisation": "Organisations", "country": "Countries",
               "regional_group": "Regional groups"}
KIND_NAMES = {"network": "Practitioner network", "organisation": "Organisation", "country": "Country",
              "regional_group": "Regional group of the United Nations"}


def addressee_page(conn: sqlite3.Connection, name: Optional[str]) -> Optional[dict]:
    """Who is asked to do what: with no name, every addressee with its counts; with one, its
    printed spellings, the bodies asking it, and its mandates (newest first, linked)."""
    if not name:
        found = rows(conn, "select addressee_key as name, count(*) as mandates, count(distinct document) as documents, "
                           "count(distinct addressee) as spellings from mandates where addressee_key is not null "
                           "group by addressee_key order by mandates desc, name")
        for r in found:
            r["url"] = addressee_url(r["name"])
        return {"name": None, "addressees": found}
    variants = rows(conn, "select addressee as spelling, count(*) as n from mandates where addressee_key = ? "
                           "group by addressee order by n desc", [name])
    if not variants:
        return None
    bodies = rows(conn, "select body, count(*) as n from mandates where addressee_key = ? group by body "
                         "order by n desc", [name])
    mandates = rows(conn, "select document, at, cite, document_date, body, verb, resolution, action, thread "
                           "from mandates where addressee_key = ? order by document_date desc, document, start limit ?",
                     [name, PAGE_SIZE])
    for m in mandates:
        m["document_url"], m["thread_url"] = document_url(m["document"], m["at"]), mandate_url(m["thread"])
        m["resolution_url"] = resolution_url(m["resolution"]) if m["resolution"] else None
    total = sum(v["n"] for v in variants)
    return {"name": name, "variants": variants, "bodies": bodies, "mandates": mandates, "total": total,
            "rows_query": urlencode({"addressee_key": name})}


def entity_index(conn: sqlite3.Connection, kind: str) -> dict:
    """Every entity of a kind the corpus names, most named first (a country by its name)."""
    found = rows(conn, "select m.entity as key, count(distinct m.document) as documents, count(*) as mentions, "
                       "c.name as country from mentions m left join countries c on c.iso3 = m.entity "
                       "and m.entity_type = 'country' where m.entity_type = ? group by m.entity "
                       "order by mentions desc, m.entity", [kind])
    _, table, _ = ENTITY_KINDS[kind]
    acronyms = dict(conn.execute(f"select name, acronym from [{table}] where acronym is not null and acronym != ''")
                    .fetchall()) if kind in ("network", "organisation") else {}
    for r in found:
        r["label"] = r["country"] or r["key"]
        r["acronym"] = acronyms.get(r["key"])
        r["url"] = entity_url(kind, r["key"])
    return {"kind": kind, "title": KIND_LABELS[kind], "entities": found, "others": _others(kind)}


def entity_page(conn: sqlite3.Connection, kind: str, name: Optional[str], database: str = "cosp") -> Optional[dict]:
    """One network, organisation, country (by ISO3 or by name) or regional group."""
    if not name:
        return entity_index(conn, kind)
    _, table, key = ENTITY_KINDS[kind]
    record = None
    if table:
        record = find_entity(conn, kind, name)
        if record is None:
            return None
        name = record[key]
    members = rows(conn, "select iso3, name from countries where regional_group = ? order by name", [name]) \
        if kind == "regional_group" else []
    total = conn.execute("select count(*), count(distinct document) from mentions where entity_type = ? "
                         "and entity = ?", [kind, name]).fetchone()
    if record is None and not members and not total[0]:
        return None
    for m in members:
        m["url"] = entity_url("country", m["iso3"])
    facts = rows(conn, "select kind, value, document, at, cite, sentence from network_facts where network = ? "
                       "order by document_date, start", [name]) if kind == "network" else []
    for f in facts:
        f["url"] = document_url(f["document"], f["at"])
    replies = rows(conn, "select r.document, r.footnote, d.name as label, d.date from replies r "
                         "join documents d on d.id = r.document where r.iso3 = ? order by d.date, r.document",
                   [name]) if kind == "country" else []
    for r in replies:
        r["url"] = document_url(r["document"], r["footnote"])  # the footnote listing the replying States
    display = (record or {}).get("name") or name
    group = (record or {}).get("regional_group")
    return {"kind": kind, "kind_label": KIND_LABELS[kind], "kind_name": KIND_NAMES[kind], "name": name, "display": display, "record": record,
            "facts": facts, "replies": replies, "members": members, "mentions_total": total[0],
            "documents_total": total[1], "documents": mentions_by_document(conn, kind, name),
            "group_url": entity_url("regional_group", group) if group else None, "group": group,
            "row_url": row_url(database, table, name) if table else None,
            "rows_query": urlencode({"entity_type": kind, "entity": name}), "index_url": entity_url(kind),
            "others": _others(kind)}


def find_entity(conn: sqlite3.Connection, kind: str, name: str) -> Optional[dict]:
    """A registry entry by any of its names: its key, its name or one of its acronyms whatever
    the case ("CARIN", "globe"), one of its aliases, or failing those the one entry whose name
    holds the words typed ("Egmont" -> the Egmont Group of Financial Intelligence Units).  The
    registries are small (tens to hundreds of rows): read whole and matched here."""
    _, table, key = ENTITY_KINDS[kind]
    wanted = " ".join(name.split()).casefold()
    if not wanted:
        return None
    entries = rows(conn, f"select * from [{table}]")

    def names(entry: dict) -> set[str]:
        out = {str(entry.get(c) or "").casefold() for c in (key, "name", "iso3", "iso2")}
        for column in ("acronym", "aliases"):
            out |= {part.strip().casefold() for part in re.split(r"[;,]", entry.get(column) or "")}
        return out - {""}

    exact = [e for e in entries if wanted in names(e)]
    if len(exact) == 1:
        return exact[0]
    if len(wanted) >= 3 and not exact:
        words = re.compile(r"(?<!\w)" + re.escape(wanted) + r"(?!\w)")
        within = [e for e in entries if words.search(str(e.get("name") or "").casefold())]
        if len(within) == 1:
            return within[0]
    return None


def mentions_by_document(conn: sqlite3.Connection, kind: str, name: str) -> list[dict]:
    """The first ``PAGE_SIZE`` mentions in their sentence, grouped by document (oldest first)."""
    # the page's mentions are picked first, then only they are joined to their paragraphs: UNODC
    # is named 8,000 times at 500 documents, and joining every mention cost 120 ms
    found = rows(conn, """with picked as (
                              select m.id, m.document, m.at, m.cite, m.text, m.method, m.start, m.end, d.symbol, d.name, d.date,
                                     d.language
                              from mentions m join documents d on d.id = m.document
                              where m.entity_type = ? and m.entity = ? order by d.date, m.document, m.start limit ?)
                          select m.document, m.at, m.cite, m.text as spelling, m.method, m.start, m.end, m.symbol, m.name,
                                 m.date, m.language, coalesce(p.text, f.text, h.text) as unit_text,
                                 coalesce(p.start, f.start, h.start) as unit_start
                          from picked m
                          left join paragraphs p on p.document = m.document and p.at = m.at
                          left join footnotes f on f.document = m.document and f.at = m.at
                          left join headings h on h.document = m.document and h.at = m.at and p.id is null
                               and f.id is null and m.start >= h.start and m.start < h.end
                          group by m.id order by m.date, m.document, m.start""", [kind, name, PAGE_SIZE])
    documents: dict[str, dict] = {}
    for m in found:
        m["url"] = document_url(m["document"], m["at"])
        text, offset = m["unit_text"] or "", m["unit_start"] or 0
        if text and 0 <= m["start"] - offset <= len(text):
            m["before"], m["match"], m["after"] = context(text, m["start"] - offset, m["end"] - offset)
        else:
            m["before"], m["match"], m["after"] = "", m["spelling"], ""
        documents.setdefault(m["document"], {"label": m["name"] or m["document"], "date": m["date"],
                                             "url": readable_document_url(m["document"], m["symbol"], m["language"]),
                                             "mentions": []})
        documents[m["document"]]["mentions"].append(m)
    return list(documents.values())


def _others(kind: str) -> list[dict]:
    return [dict(label=label, url=entity_url(k)) for k, label in KIND_LABELS.items() if k != kind]
