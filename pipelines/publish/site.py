"""What the Datasette pages show: documents, threads, resolutions and the redline, and safe
cell rendering (the pages of named things are ``entities.py``; links are made in ``pagekit.py``).

The Datasette plugin (``datasette/plugins/cosp.py``) only wires these into routes and
hooks.  Every text from the database is escaped here or by Jinja's autoescape; the only
HTML passed through is what the pipeline built from escaped tokens (redlines) and the
``<mark>`` of search snippets, re-inserted after escaping.
"""
from __future__ import annotations

import html
import json
import re
import sqlite3
from typing import Optional
from urllib.parse import urlencode

from markupsafe import Markup

from extract.metadata import SYMBOL
from pipelines.database.schema import UNDOCS
from pipelines.guidelines.redline import sides
from pipelines.publish.pagekit import (PAGE_SIZE, addressee_url, document_url, entity_url, mandate_url, redline_url,
                                       resolution_url)
from pipelines.publish.pagekit import rows as _rows
from pipelines.publish.versions import RTL, versions_of

MARK_OPEN, MARK_CLOSE = "\x02", "\x03"
SYMBOL_COLUMNS = {"symbol", "agenda_symbol", "cited", "ref_id"}


# (table, column) -> the kind of entity the cell names, whose page it links to.
_ENTITY_CELLS = {("networks", "name"): "network", ("network_facts", "network"): "network",
                 ("replies", "iso3"): "country", ("countries", "regional_group"): "regional_group",
                 ("replies", "regional_group"): "regional_group", (None, "network"): "network"}
# The registries' cells that link to the thing's page, and the key column naming it.
_REGISTRY_CELLS = {("networks", "mentions"): ("network", "name"), ("organisations", "mentions"): ("organisation", "name"),
                   ("countries", "name"): ("country", "iso3")}
KINDS = ("network", "organisation", "country", "regional_group")
_RESOLUTION_ID = re.compile(r"^(?:\d+/\d+|A/RES/[\w/()-]+|S-\d+/\d+)$")


_ALLOWED_TAGS = re.compile(r"&lt;(/?)(del|ins)&gt;")


def redline_markup(value: str) -> Markup:
    """A redline cell as HTML with no markup but <del> and <ins>, whatever produced it.  The
    build's diff_html is escaped text wrapped in those tags, but any SQL can name a column
    diff_html (``select '<script>…' as diff_html``): so everything is escaped again (after
    undoing the build's escaping, so nothing is escaped twice) and only the two bare tags are
    let through."""
    return Markup(_ALLOWED_TAGS.sub(r"<\1\2>", html.escape(html.unescape(value))))


def render_cell(value, column: str, table: Optional[str], row=None) -> Optional[Markup]:
    """HTML for the cells that deserve more than text; None lets Datasette render the rest.

    Every row that names a document links to its reading page (at the paragraph, from a
    ``cite``), a resolution to its page, a thread to its timeline: the site's pages are one
    click from any table."""
    keys = row.keys() if row is not None and hasattr(row, "keys") else []
    registry = _REGISTRY_CELLS.get((table, column))
    if registry is not None and registry[1] in keys and isinstance(row[registry[1]], str):
        # the key cell links to the row (Datasette's own link): this one links to the thing's page
        return Markup(f'<a href="{html.escape(entity_url(registry[0], row[registry[1]]))}">{html.escape(str(value))}</a>')
    if not isinstance(value, str):
        return None
    if column == "cite" and "document" in keys and "at" in keys and row["document"]:
        doc = row["document"]
        doc = doc.get("value") if isinstance(doc, dict) else doc  # a foreign key Datasette expanded
        if isinstance(doc, str) and isinstance(row["at"], str):
            return Markup(f'<a href="{html.escape(document_url(doc, row["at"]))}">{html.escape(value)}</a>')
    if table == "documents" and column in ("id", "file"):  # the pk cell links to the row; the file to the page
        return Markup(f'<a href="{html.escape(document_url(value))}" title="reading page">{html.escape(value)}</a>')
    if column in ("diff_html", "before_html", "after_html"):
        return redline_markup(value)
    if column == "snippet":
        escaped = html.escape(value).replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")
        return Markup(escaped.replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>"))
    if (column == "resolution" or (column == "ref_id" and table in ("references", None))
            or (column == "id" and table == "resolutions")) and _RESOLUTION_ID.match(value):
        return Markup(f'<a href="{resolution_url(value)}">{html.escape(value)}</a>')
    if column == "document" and table not in ("documents",):
        return Markup(f'<a href="{html.escape(document_url(value))}">{html.escape(value)}</a>')
    if column in SYMBOL_COLUMNS and SYMBOL.fullmatch(value):
        return Markup(f'<a href="{UNDOCS}{html.escape(value)}">{html.escape(value)}</a>')
    kind = _ENTITY_CELLS.get((table, column))
    if kind is None and table == "mentions" and column == "entity" and keys and row["entity_type"] in KINDS:
        kind = row["entity_type"]
    if kind is not None:  # a named thing links to its page
        return Markup(f'<a href="{html.escape(entity_url(kind, value))}">{html.escape(value)}</a>')
    if column == "addressee_key" and table in ("mandates", None):
        return Markup(f'<a href="{html.escape(addressee_url(value))}">{html.escape(value)}</a>')
    if column == "documents" and table in ("figure_series", None) and re.fullmatch(r"[^,\s]+(,[^,\s]+)*", value):
        return _listed(value.split(","), document_url)  # the documents stating a figure
    if column == "paragraphs" and "document" in keys and isinstance(row["document"], str):
        return _listed(value.split(","), lambda at: document_url(row["document"], at))  # where a document cites
    if column == "paragraph" and table is None and "#" in value:  # a search result's "document#address"
        doc, at = value.split("#", 1)
        return Markup(f'<a href="{html.escape(document_url(doc, at))}">{html.escape(value)}</a>')
    if column == "thread" and table in ("mandates", "mandate_threads", None):
        return Markup(f'<a href="{mandate_url(value)}">timeline</a>')
    return None


def _listed(values: list[str], url, limit: int = 50) -> Markup:
    """A cell listing several things, each linked (the first ``limit``, then how many more)."""
    links = ", ".join(f'<a href="{html.escape(url(v))}">{html.escape(v)}</a>' for v in values[:limit])
    more = f" and {len(values) - limit} more" if len(values) > limit else ""
    return Markup(links + more)


_GUIDELINE_HEADING = re.compile(r"^Draft guideline (\d+)\b")
TAG_LABELS = {"uncac_article": "article", "uncac_chapter": "chapter", "cosp_decision": "decision",
              "fatf_recommendation": "FATF recommendation"}


def _placer(units: list[dict]):
    """``place(at, pos)``: the unit a row belongs to, by its address; where several units share
    it (the front page's blocks are all "front"), the one whose span holds offset ``pos``."""
    by_at: dict[str, list[dict]] = {}
    for u in units:
        by_at.setdefault(u["at"], []).append(u)

    def place(at: str, pos: int) -> Optional[dict]:
        found = by_at.get(at, [])
        if len(found) > 1:
            return next((u for u in found if u["start"] <= pos < u["end"]), found[0])
        return found[0] if found else None

    return place


def document_page(conn: sqlite3.Connection, doc_id: str, lang: Optional[str] = None) -> Optional[dict]:
    """A document as it reads: headings, paragraphs with their lettered items once (the
    paragraph shows its chapeau, the items follow), the guideline texts under their
    headings, footnotes; each unit tagged with the references, mandates and names it holds
    (placed by address, and by offset among the front page's blocks, so a front-page reference
    tags the one block printing it)."""
    # The file's id, or the symbol people know it by (in the language asked, else English first).
    doc = next(iter(_rows(conn, "select * from documents where id = ? or symbol = ? order by id = ? desc, "
                                "language = ? desc, language = 'en' desc limit 1", [doc_id, doc_id, doc_id, lang])), None)
    if doc is None:
        return None
    doc_id = doc["id"]
    units = _rows(conn, "select * from (select 'heading' as kind, at, text, start, end, level, null as parent "
                        "from headings where document = ? union all select kind, at, text, start, end, null, parent "
                        "from paragraphs where document = ?) order by start, kind != 'paragraph'", [doc_id, doc_id])
    by_at = {u["at"]: u for u in units if u["kind"] == "paragraph"}
    for u in units:
        if u["kind"] == "item" and u["parent"] in by_at:
            parent = by_at[u["parent"]]
            if not parent.get("chapeau_cut"):
                parent["text"] = parent["text"][:max(0, u["start"] - parent["start"])].rstrip()
                parent["chapeau_cut"] = True
        u.update(references=[], mandates=[], mentions=[])
    guidelines: dict[int, list[dict]] = {}
    for g in _rows(conn, "select g.kind, g.at, g.guideline, g.text from guideline_paragraphs g "
                         "join guideline_versions v on v.id = g.version where v.document = ? order by g.guideline, g.idx",
                   [doc_id]):
        guidelines.setdefault(g["guideline"], []).append(
            dict(kind="guideline_" + g["kind"], at=g["at"], text=g["text"], references=[], mandates=[], mentions=[]))
    shown = []
    for u in units:
        shown.append(u)
        m = _GUIDELINE_HEADING.match(u["text"] or "") if u["kind"] == "heading" else None
        if m:
            shown += guidelines.pop(int(m.group(1)), [])
    place = _placer(units)
    for r in _rows(conn, "select at, kind, ref_id, url, start from [references] where document = ? order by start",
                   [doc_id]):
        r["label"] = f"{TAG_LABELS[r['kind']]} {r['ref_id']}" if r["kind"] in TAG_LABELS else r["ref_id"]
        r["href"] = resolution_url(r["ref_id"]) if r["kind"] in ("cosp_resolution", "ga_resolution") else None
        r["rows_query"] = urlencode({"kind": r["kind"], "ref_id": r["ref_id"]})  # its rows in `references`
        unit = place(r["at"], r["start"])
        if unit is not None and all(x["ref_id"] != r["ref_id"] or x["kind"] != r["kind"] for x in unit["references"]):
            unit["references"].append(r)
    for m in _rows(conn, "select at, verb, body, resolution, addressee, thread, start from mandates "
                         "where document = ? order by start", [doc_id]):
        unit = place(m["at"], m["start"])
        if unit is not None:
            unit["mandates"].append(m)
    for m in _rows(conn, "select at, entity_type, entity, start from mentions where document = ? and entity_type in "
                         "('network', 'organisation') order by start", [doc_id]):
        unit = place(m["at"], m["start"])
        if unit is not None and m["entity"] not in [x["entity"] for x in unit["mentions"]]:
            m["url"] = entity_url(m["entity_type"], m["entity"])
            unit["mentions"].append(m)
    footnotes = _rows(conn, "select at, anchor, text from footnotes where document = ? order by start", [doc_id])
    return {"doc": doc, "units": shown, "footnotes": footnotes, "versions": versions_of(conn, doc["symbol"]),
            "rtl": (doc.get("language") or "en") in RTL}


def documents_page(conn: sqlite3.Connection) -> dict:
    """Every document: symbol (or a readable label for one without), date, body, type, title,
    with links to its reading page; newest first."""
    docs = _rows(conn, "select id, symbol, date, body, doc_type, title, paragraph_count, format from documents "
                       "order by date desc, coalesce(symbol, id)")
    for d in docs:
        d["label"] = d["symbol"] or f"{d['title'] or d['id']} (no symbol printed)"
        d["url"] = document_url(d["symbol"] or d["id"])
    return {"documents": docs}


def threads_page(conn: sqlite3.Connection) -> dict:
    """Every mandate thread with a short name (its first mandate's action, cut at a word), the
    body, the resolutions it runs through and how often it was seen; the busiest first."""
    rows = _rows(conn, """select m.thread, count(*) as sightings, count(distinct m.document) as documents,
                                 group_concat(distinct m.resolution) as resolutions,
                                 (select f.action from mandates f where f.id = m.thread) as action,
                                 (select f.body from mandates f where f.id = m.thread) as body,
                                 (select f.verb from mandates f where f.id = m.thread) as verb
                          from mandates m group by m.thread order by sightings desc, m.thread limit 500""")
    for r in rows:
        action = r["action"] or ""
        r["name"] = action if len(action) <= 90 else action[:90].rsplit(" ", 1)[0] + "…"
        r["url"] = mandate_url(r["thread"])
        r["resolutions"] = ", ".join(sorted(set((r["resolutions"] or "").split(",")) - {""}))
    return {"threads": rows}


def mandate_page(conn: sqlite3.Connection, thread: str, page: int = 1) -> Optional[dict]:
    """A thread's timeline, ``PAGE_SIZE`` sightings a page (the first page starts at the source)."""
    total = conn.execute("select count(*) from mandates where thread = ?", [thread]).fetchone()[0] if thread else 0
    if not total:
        return None
    pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
    page = min(max(1, page), pages)
    rows = _rows(conn, "select t.*, m.document as document_id from mandate_threads t "
                       "join mandates m on m.id = t.sighting where t.thread = ? "
                       "order by coalesce(m.session, 999), t.mandate, t.at_source desc, t.date, t.cite "
                       "limit ? offset ?", [thread, PAGE_SIZE, (page - 1) * PAGE_SIZE])
    for r in rows:
        r["document_url"] = document_url(r["document_id"], r["at"])
        # The same paragraph in the corpus's other language versions of the document (same symbol, same number).
        r["languages"] = _rows(conn, "select d.language, p.text from documents d0 join documents d on d.symbol = "
                                     "d0.symbol and d.id != d0.id join paragraphs p on p.id = d.id || '#' || ? "
                                     "where d0.id = ? order by d.language", [r["at"], r["document_id"]])
        for x in r["languages"]:
            x["rtl"] = x["language"] in RTL
    evidence = _rows(conn, "select e.cite, e.text from evidence e join mandates m on m.document = e.document "
                           "where m.thread = ? and (', ' || e.mandates || ', ') like '%, ' || m.at || ', %' "
                           "group by e.id order by e.document, e.start limit ?", [thread, PAGE_SIZE])
    steps = []
    for r in rows:
        if not steps or steps[-1]["resolution"] != r["resolution"]:
            steps.append({"resolution": r["resolution"], "sightings": []})
        steps[-1]["sightings"].append(r)
    link = mandate_url(thread)
    return {"thread": thread, "steps": steps, "first": rows[0], "evidence": evidence, "total": total,
            "page": page, "pages": pages, "shown": (((page - 1) * PAGE_SIZE) + 1, (page - 1) * PAGE_SIZE + len(rows)),
            "previous_url": f"{link}&page={page - 1}" if page > 1 else None,
            "next_url": f"{link}&page={page + 1}" if page < pages else None}


def resolution_page(conn: sqlite3.Connection, rid: Optional[str]) -> Optional[dict]:
    """A resolution: its record, its text part by part (from the document the ``resolutions``
    table names) with the mandates each operative paragraph gives and how often later documents
    reported on them, and the documents that cite it."""
    res = next(iter(_rows(conn, "select * from resolutions where id = ?", [rid or ""])), None)
    if res is None:
        return None
    parts = _rows(conn, "select * from resolution_paragraphs where resolution = ? and document = ? order by seq",
                  [rid, res.get("text_document") or ""])
    given: dict[str, list] = {}
    for m in _rows(conn, "select g.id, g.source, g.verb, g.addressee, g.action, g.thread, "
                         "(select count(*) from mandates s where s.source = g.source and s.at_source = 0) as reported "
                         "from mandates g where g.at_source = 1 and g.resolution = ?", [rid]):
        given.setdefault(m["source"], []).append(m)
    for p in parts:
        p["mandates"] = given.get(p["id"], [])
        p["document_url"] = document_url(p["document"], p["at"])
    citing = _rows(conn, "select r.document, coalesce(d.symbol, d.file) as name, d.date, count(*) as times, "
                         "group_concat(distinct r.at) as places from [references] r join documents d on d.id = r.document "
                         "where r.ref_id = ? group by r.document order by d.date, name", [rid])
    for c in citing:
        c["document_url"] = document_url(c["document"])
    sightings = _rows(conn, "select count(*) as n, sum(source is not null) as linked from mandates "
                            "where resolution = ? and at_source = 0", [rid])[0]
    return {"resolution": res, "parts": parts, "citing": citing, "sightings": sightings}


def _name_splits_and_merges(rows: list[dict]) -> None:
    """A split prints its old paragraph once and a merge its new one once, each named with its
    parts ("g3.1 → g3.1 + g3.2 + g3.3"); the other rows of the group show only their own side."""
    for relation, shared, other in (("split", "from_at", "to_at"), ("merged", "to_at", "from_at")):
        members: dict[str, list[dict]] = {}
        for r in rows:
            if r["relation"] == relation and r[shared]:
                members.setdefault(r[shared], []).append(r)
        for key, group in members.items():
            parts = " + ".join(r[other] for r in group if r[other])
            group[0]["parts"] = f"{key} → {parts}" if relation == "split" else f"{parts} → {key}"
            for r in group[1:]:
                r["continued"] = True
                if relation == "split":
                    r["left"] = Markup("")
                else:
                    r["right"] = Markup("")


def redline_page(conn: sqlite3.Connection, from_version: Optional[str], to_version: Optional[str],
                 shifts: bool = False) -> Optional[dict]:
    """Two versions side by side, with a picker of every consecutive pair, counts by relation
    and by obligation shift, and (``shifts``) only the paragraphs whose obligation moved."""
    versions = _rows(conn, "select * from guideline_versions order by chain, position")
    if not versions:
        return None
    if not from_version or not to_version:
        pairs = [(a, b) for a, b in zip(versions, versions[1:]) if a["chain"] == b["chain"]]
        if not pairs:
            return None
        from_version, to_version = pairs[-1][0]["id"], pairs[-1][1]["id"]
    labels = {v["id"]: v["label"] for v in versions}
    links = _rows(conn, "select * from guideline_alignment where from_version = ? and to_version = ?",
                  [from_version, to_version])
    if not links:
        return None
    order = {p["at"]: p["idx"] for p in _rows(conn, "select at, idx from guideline_paragraphs where version = ?",
                                               [to_version])}
    guideline_of = lambda at: int(re.match(r"g(\d+)", at).group(1)) if at else 0  # noqa: E731
    relations: dict[str, int] = {}
    directions: dict[str, int] = {}
    for lk in links:
        relations[lk["relation"]] = relations.get(lk["relation"], 0) + 1
        if lk["direction"] not in ("same", "none", None):
            directions[lk["direction"]] = directions.get(lk["direction"], 0) + 1
    pairs = [dict(from_id=a["id"], to_id=b["id"], label=f"{a['label']} → {b['label']}", url=redline_url(a["id"], b["id"]),
                  current=(a["id"], b["id"]) == (from_version, to_version))
             for a, b in zip(versions, versions[1:]) if a["chain"] == b["chain"]]
    if shifts:
        links = [lk for lk in links if lk["direction"] not in ("same", "none", None)]
    groups: dict[int, dict] = {}
    for lk in sorted(links, key=lambda x: (order.get(x["to_at"], 10**6), x["from_at"] or "")):
        left, right = sides(json.loads(lk["diff_ops"]))
        g = guideline_of(lk["to_at"] or lk["from_at"])
        groups.setdefault(g, {"number": g, "rows": [], "title": None})["rows"].append(dict(lk, left=left, right=right))
    for t in _rows(conn, "select * from guideline_title_changes where from_version = ? and to_version = ?",
                   [from_version, to_version]):
        from extract.diff import diff_ops

        left, right = sides(diff_ops(t["from_title"], t["to_title"]))
        groups.setdefault(t["to_guideline"], {"number": t["to_guideline"], "rows": [], "title": None})["title"] = dict(
            t, left=left, right=right)
    for g in groups.values():
        _name_splits_and_merges(g["rows"])
    return {"from_label": labels[from_version], "to_label": labels[to_version], "versions": versions,
            "guidelines": [groups[k] for k in sorted(groups)], "pairs": pairs, "relations": relations,
            "directions": directions, "shifts": shifts, "all_url": redline_url(from_version, to_version),
            "shifts_url": redline_url(from_version, to_version, shifts=True)}


