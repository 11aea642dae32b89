"""What the Datasette pages show: documents, threads and mandate timelines, and safe
cell rendering (the pages of named things are ``entities.py``; links are made in ``pagekit.py``).

The Datasette plugin (``datasette/plugins/cosp.py``) only wires these into routes and
hooks.  Every text from the database is escaped here or by Jinja's autoescape; the only
HTML passed through is what the pipeline built from escaped tokens (redlines) and the
``<mark>`` of search snippets, re-inserted after escaping.
"""
from __future__ import annotations

import html
import re
import sqlite3
from typing import Optional
from urllib.parse import urlencode

from markupsafe import Markup

from extract.metadata import SYMBOL
from pipelines.database.schema import UNDOCS
from pipelines.publish.pagekit import (PAGE_SIZE, addressee_url, document_url, entity_url, mandate_url,
                                      readable_document_url, resolution_url)
from pipelines.publish.pagekit import rows as _rows
from pipelines.publish.resolutions import id_pattern as resolution_id
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


_WDIFF = re.compile(r"\[-(.*?)-\]|\{\+(.*?)\+\}", re.S)
_ALLOWED_TAGS = re.compile(r"&lt;(/?)(del|ins)&gt;")


def marked(snippet: Optional[str]) -> Markup:
    """A search snippet as HTML: the text escaped, its matches (marked U+0002/U+0003 by FTS5's
    snippet(), or <mark> as typed in older queries) made <mark>."""
    escaped = html.escape(snippet or "").replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")
    return Markup(escaped.replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>"))


def redline_markup(value: str) -> Markup:
    """A redline cell as HTML with no markup but <del> and <ins>, whatever produced it.  The
    build's diff_html is escaped text wrapped in those tags, but any SQL can name a column
    diff_html (``select '<script>…' as diff_html``): so everything is escaped again (after
    undoing the build's escaping, so nothing is escaped twice) and only the two bare tags are
    let through."""
    return Markup(_ALLOWED_TAGS.sub(r"<\1\2>", html.escape(html.unescape(value))))


def render_cell(value, column: str, table: Optional[str], row=None, names: Optional[dict] = None) -> Optional[Markup]:
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
    if column == "redline" and table is None:  # the plain-text redline of a query: its marks struck and underlined
        return Markup(_WDIFF.sub(lambda m: f"<{'del' if m.group(1) else 'ins'}>{m.group(1) or m.group(2)}"
                                           f"</{'del' if m.group(1) else 'ins'}>", html.escape(value)))
    if column == "snippet":
        return marked(value)
    if (column == "resolution" or (column == "ref_id" and table in ("references", None))
            or (column == "id" and table == "resolutions")) and resolution_id().match(value):
        return Markup(f'<a href="{resolution_url(value)}">{html.escape(value)}</a>')
    if column == "document" and table not in ("documents",):  # by its name (``names``: id -> name), never its file's
        name = (names or {}).get(value, value)
        return Markup(f'<a href="{html.escape(document_url(value))}" title="{html.escape(value)}">{html.escape(name)}</a>')
    if column == "unit" and "#" in value:  # "document#address": the place, by the document's name
        doc, at = value.split("#", 1)
        return Markup(f'<a href="{html.escape(document_url(doc, at))}">{html.escape(named_id(value, names))}</a>')
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
        return _listed(value.split(","), document_url, names=names)  # the documents stating a figure
    if column == "paragraphs" and "document" in keys and isinstance(row["document"], str):
        return _listed(value.split(","), lambda at: document_url(row["document"], at))  # where a document cites
    if column == "paragraph" and table is None and "#" in value:  # a search result's "document#address"
        doc, at = value.split("#", 1)
        return Markup(f'<a href="{html.escape(document_url(doc, at))}">{html.escape(value)}</a>')
    if column == "thread" and table in ("mandates", "mandate_threads", None):
        return Markup(f'<a href="{mandate_url(value)}">timeline</a>')
    if "#" in value and named_id(value, names) != value:  # any other row id made of a document's: its name
        return Markup(html.escape(named_id(value, names)))
    return None


_KEY_TEXT = re.compile(r">([^<#]+)(#[^<]*)?<")


def named_id(value, names: Optional[dict]) -> str:
    """A row id made of a document's ("000_….txt#3") with the document's name ("CAC/COSP/WG.2/2018/5#3")."""
    doc, sep, rest = str(value).partition("#")
    return f"{names[doc]}{sep}{rest}" if names and doc in names else str(value)


def named_keys(cell: Markup, names: Optional[dict]) -> Markup:
    """A table's row-key link with the document part of the key shown by the document's name
    ("CAC/COSP/WG.2/2018/5#3" for "000_de38badff640f652.txt#3"); the link itself unchanged."""
    if not names:
        return cell

    def sub(m: re.Match) -> str:
        return f">{html.escape(named_id(html.unescape(m.group(1) + (m.group(2) or '')), names))}<"

    return Markup(_KEY_TEXT.sub(sub, str(cell)))


def _listed(values: list[str], url, limit: int = 50, names: Optional[dict] = None) -> Markup:
    """A cell listing several things, each linked (the first ``limit``, then how many more),
    each shown by its name where ``names`` has one."""
    names = names or {}
    links = ", ".join(f'<a href="{html.escape(url(v))}">{html.escape(names.get(v, v))}</a>' for v in values[:limit])
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
    # A resolution's preambular paragraphs are unnumbered, so not in ``paragraphs``: they come from
    # the resolution's parts (at "pp3", or "7/1/pp3" where a report prints several resolutions).
    units = _rows(conn, "select * from (select 'heading' as kind, at, text, start, end, level, null as parent "
                        "from headings where document = ? union all select kind, at, text, start, end, null, parent "
                        "from paragraphs where document = ? union all select 'preambular', at, text, start, end, null, "
                        "null from resolution_paragraphs where document = ? and kind = 'preambular') "
                        "order by start, kind != 'paragraph'", [doc_id, doc_id, doc_id])
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
            "rtl": (doc.get("language") or "en") in RTL, "not_un": not_un_reason(doc)}


def not_un_reason(doc: dict) -> Optional[str]:
    """Why a built file does not read as a UN document, or None: a UN document prints at least
    one of a symbol, a date, an issuing body, a title or a document type on its front page."""
    if any(doc.get(k) for k in ("symbol", "date", "body", "title", "doc_type")):
        return None
    return "no symbol, date, issuing body, title or document type was found on its first page"


def documents_page(conn: sqlite3.Connection) -> dict:
    """Every document by its name (symbol, else short title and date), date, body, type, title,
    linked to its reading page, newest first; files that do not read as UN documents, and
    files the last build left out, listed apart with what to do."""
    docs = _rows(conn, "select id, name, file, symbol, date, body, doc_type, title, paragraph_count, format, language "
                       "from documents order by date desc, coalesce(symbol, name)")
    for d in docs:
        d["label"] = d["name"] or d["file"]
        d["url"] = readable_document_url(d["id"], d["symbol"], d["language"])
        d["not_un"] = not_un_reason(d)
    left_out = _rows(conn, "select file, stage, message, hint from ingest_errors where severity = 'error' order by file") \
        if conn.execute("select 1 from sqlite_master where name = 'ingest_errors'").fetchone() else []
    return {"documents": [d for d in docs if not d["not_un"]], "not_un": [d for d in docs if d["not_un"]],
            "left_out": left_out}


def threads_page(conn: sqlite3.Connection, resolution: Optional[str] = None, addressee: Optional[str] = None,
                 body: Optional[str] = None, observations: bool = False) -> dict:
    """Every mandate thread with a short name (its first mandate's action, cut at a word), the
    body, the resolutions it runs through and how often it was seen; the busiest first.  Filtered
    by a resolution it runs through, who is asked, the asking body; a thread whose first
    sighting only notes or stresses something (an observation, no one asked to act) is left
    out unless asked for."""
    where, params = [], []
    if resolution:
        where.append("m.thread in (select thread from mandates where resolution = ?)")
        params.append(resolution)
    if addressee:
        where.append("m.thread in (select thread from mandates where addressee_key = ?)")
        params.append(addressee)
    if body:
        where.append("m.thread in (select thread from mandates where body = ?)")
        params.append(body)
    if not observations:
        where.append("coalesce((select f.strength from mandates f where f.id = m.thread), '') != 'observation'")
    rows = _rows(conn, f"""select m.thread, count(*) as sightings, count(distinct m.document) as documents,
                                 group_concat(distinct m.resolution) as resolutions,
                                 (select f.action from mandates f where f.id = m.thread) as action,
                                 (select f.body from mandates f where f.id = m.thread) as body,
                                 (select f.verb from mandates f where f.id = m.thread) as verb,
                                 (select f.addressee_key from mandates f where f.id = m.thread) as addressee
                          from mandates m {"where " + " and ".join(where) if where else ""}
                          group by m.thread order by sightings desc, m.thread limit 500""", params)
    for r in rows:
        action = r["action"] or ""
        r["name"] = action if len(action) <= 90 else action[:90].rsplit(" ", 1)[0] + "…"
        r["url"] = mandate_url(r["thread"])
        r["resolutions"] = ", ".join(sorted(set((r["resolutions"] or "").split(",")) - {""}))
    choices = {
        "resolution": [x for x, in conn.execute("select distinct resolution from mandates where resolution is not null "
                                                "order by resolution")],
        "addressee": [x for x, in conn.execute("select addressee_key from mandates where addressee_key is not null "
                                               "group by addressee_key order by count(*) desc limit 60")],
        "body": [x for x, in conn.execute("select distinct body from mandates where body is not null order by body")]}
    return {"threads": rows, "choices": choices, "observations": observations,
            "chosen": {"resolution": resolution or "", "addressee": addressee or "", "body": body or ""}}


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
