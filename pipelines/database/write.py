"""Write one parsed document's rows; every row carries its provenance.

Rows say which document, which address (paragraph, item, footnote, guideline paragraph)
and which character span they come from, and how to quote the place (``cite``).  A build
writes each document as soon as it is parsed (``write_document``), under the symbol the
document prints; the corpus-wide stages (``corpus_tables.py``) then rename the documents
whose symbol the corpus decides (``rename``) and remove refused ones (``delete_documents``).
"""
from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import asdict, dataclass, field
from typing import Optional

import sqlite_utils

from extract.addressees import normalise
from models.corpus import DocumentEntry
from models.document import ParsedDocument
from pipelines.corpus import manifest as manifests
from pipelines.corpus.entries import doc_id, entry_of, sightings_of
from pipelines.database.schema import TABLES, TEXT_SOURCES, UNDOCS, stable_id, text_id

# The tables holding a document's own rows (the guideline tables are the corpus's: chains).
DOCUMENT_TABLES = ["documents"] + [t for t, spec in TABLES.items()
                                   if "document" in spec["columns"] and not t.startswith("guideline") and t != "texts"]
CITED_TABLES = [t for t in DOCUMENT_TABLES if "cite" in TABLES[t]["columns"]]


def insert_rows(db: sqlite_utils.Database, table: str, rows: list[dict], replace: bool = False) -> None:
    """Insert rows into a table the schema created, with one ``executemany``: sqlite-utils'
    ``insert_all`` checks and converts every value and commits every chunk (1,100 commits
    and a million conversions for 250 documents); the rows here are plain values already.
    A list or dict value is stored as JSON, as sqlite-utils would (``_as_json``)."""
    if rows:
        insert_values(db, table, *columnar(rows), replace=replace)


def columnar(rows: list[dict]) -> tuple[list[str], list[tuple]]:
    """Rows as (columns, one tuple of values per row): what ``insert_values`` takes, and half
    the bytes when a worker process sends its document's rows (the names are sent once)."""
    columns = list(dict.fromkeys(k for row in rows for k in row))
    return columns, [tuple(row.get(c) for c in columns) for row in rows]


def insert_values(db: sqlite_utils.Database, table: str, columns: list[str], values: list[tuple],
                  replace: bool = False) -> None:
    if not values:
        return
    names = ", ".join(f"[{c}]" for c in columns)
    marks = ", ".join("?" for _ in columns)
    verb = "INSERT OR REPLACE" if replace else "INSERT"
    db.conn.executemany(f"{verb} INTO [{table}] ({names}) VALUES ({marks})", values)


def sync_rows(db: sqlite_utils.Database, tables: dict[str, list[dict]]) -> None:
    """Make each table hold exactly ``rows`` (matched by the table's key, which every row carries),
    writing only the difference: an incremental build's corpus-wide tables are mostly what they
    were, and rewriting them whole cost more than the documents that changed.  ``tables`` comes
    parents first; rows go children first, and come back parents first."""
    plans = []
    for table, rows in tables.items():
        pk, columns = TABLES[table]["pk"], list(TABLES[table]["columns"])
        at = columns.index(pk)
        listed = ", ".join(f"[{c}]" for c in columns)
        have = {r[at]: r for r in db.conn.execute(f"SELECT {listed} FROM [{table}]")}
        wanted = {v[at]: v for v in (tuple(_as_json(x) if isinstance(x, (list, dict)) else x
                                           for x in (row.get(c) for c in columns)) for row in rows)}
        plans.append((table, pk, columns, [k for k in have if k not in wanted],
                      [v for k, v in wanted.items() if have.get(k) != v]))
    for table, pk, _, gone, _ in reversed(plans):
        db.conn.executemany(f"DELETE FROM [{table}] WHERE [{pk}] = ?", [(k,) for k in gone])
    for table, _, columns, _, new in plans:
        insert_values(db, table, columns, new, replace=True)


def _as_json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


for _kind in (list, dict, tuple):  # sqlite3 asks only for values it cannot store itself
    sqlite3.register_adapter(_kind, _as_json)


def cite(name: str, at: str) -> str:
    """How a person quotes the place: "CAC/COSP/WG.2/2018/2, para. 54 (b)" (``name`` is the
    document's symbol, or its file name when it has none)."""
    m = re.match(r"^(\d+(?:bis|ter|quater|quinquies)?)(?:\(([a-z]+)\))?$", at)
    if m:
        return f"{name}, para. {_bis(m.group(1))}" + (f" ({m.group(2)})" if m.group(2) else "")
    m = re.match(r"^(?:(.+)/)?(op|pp)(\d+(?:bis|ter|quater|quinquies)?)(?:\(([a-z]+)\))?$", at)
    if m:  # a resolution's parts: "resolution 8/9, para. 3 (a)", "resolution 8/9, preambular para. 2"
        res = f", resolution {m.group(1)}" if m.group(1) and not re.fullmatch(r"r\d+", m.group(1)) else ""
        kind = "para." if m.group(2) == "op" else "preambular para."
        return f"{name}{res}, {kind} {_bis(m.group(3))}" + (f" ({m.group(4)})" if m.group(4) else "")
    m = re.match(r"^fn(\d+|\*)$", at)
    if m:
        return f"{name}, footnote {m.group(1)}"
    m = re.match(r"^g(\d+)\.(\d+|title)(?:\(([a-z]+)\))?$", at)
    if m:
        where = "title" if m.group(2) == "title" else f"para. {m.group(1)}.{m.group(2)}"
        return f"{name}, draft guideline {m.group(1)}, {where}" + (f" ({m.group(3)})" if m.group(3) else "")
    return f"{name}, front page" if at == "front" else f"{name}, under “{at[:80]}”"


def _bis(number: str) -> str:
    """"1bis" -> "1 bis", as a repeated paragraph number is cited."""
    return re.sub(r"(?<=\d)(?=[a-z])", " ", number)


def name_of(doc: ParsedDocument) -> str:
    return doc.meta.name(doc.file)


def document_rows(doc: ParsedDocument) -> dict[str, list[dict]]:
    """Every row the document gives, by table (a pure function of the parsed document)."""
    did, name = doc_id(doc), name_of(doc)
    m = asdict(doc.meta)
    out: dict[str, list[dict]] = {t: [] for t in DOCUMENT_TABLES}
    out["documents"].append(dict(
        m, id=did, name=name_of(doc), file=doc.file, year=int(m["date"][:4]) if m["date"] else None,
        url=UNDOCS + m["symbol"] if m["symbol"] else None, format=doc.format, pages=doc.pages, sha256=doc.sha256,
        paragraph_count=doc.own_paragraph_count(), footnote_count=doc.own_footnote_count(),
        warnings="\n".join(doc.warnings) or None))
    out["metadata_evidence"] = [dict(id=f"{did}#{e.field}", document=did, field=e.field, value=e.value, start=e.start,
                                     end=e.end, confidence=e.confidence, rule=e.rule) for e in doc.meta_evidence]
    body = sorted(doc.paragraphs + doc.items, key=lambda u: (u.start, u.kind != "paragraph"))
    out["paragraphs"] = [dict(id=f"{did}#{u.at}", document=did, at=u.at, kind=u.kind, parent=u.parent, seq=seq,
                              section=u.section, text=u.text, start=u.start, end=u.end, page=u.page)
                         for seq, u in enumerate(body)]
    out["footnotes"] = [dict(id=f"{did}#{u.at}", document=did, at=u.at, anchor=u.anchor, text=u.text, start=u.start,
                             end=u.end, page=u.page) for u in doc.footnotes]
    out["headings"] = [dict(id=f"{did}#h{seq}", document=did, at=u.at, kind=u.kind, level=u.level, seq=seq,
                            text=u.text, start=u.start, end=u.end, page=u.page)
                       for seq, u in enumerate(sorted(doc.front + doc.headings, key=lambda u: u.start))]
    out["references"] = [dict(document=did, at=r.at, unit=f"{did}#{r.at}", cite=cite(name, r.at), kind=r.kind,
                              ref_id=r.id, text=r.text, detail=r.detail, title=r.title, url=r.url, start=r.start,
                              end=r.end) for r in doc.references]
    out["resolution_paragraphs"] = [
        dict(id=f"{did}#{p.address}", document=did, resolution=res.id, resolution_key=res.key, address=p.address,
             kind=p.kind, at=p.at, unit=f"{did}#{p.at}", cite=cite(name, p.at), verb=p.verb, lemma=p.lemma, seq=seq, text=p.text,
             start=p.start, end=p.end, page=p.page)
        for res in doc.resolutions for seq, p in enumerate(res.parts)]
    out.update(_entity_rows(doc, did, name))
    out.update(_mandate_rows(doc, did, name))
    for table, rows in out.items():
        if TABLES[table]["columns"].get("id") is int:  # numbered rows: the same id in every build (stable_id)
            for n, row in enumerate(rows):
                row["id"] = stable_id(did, table, n)
        if table in TEXT_SOURCES:
            for n, row in enumerate(rows):
                row["text_id"] = text_id(did, table, n)
    return out


def _entity_rows(doc: ParsedDocument, did: str, name: str) -> dict[str, list[dict]]:
    from extract.countries import group_of

    return {
        "mentions": [dict(document=did, at=m.at, unit=f"{did}#{m.at}", cite=cite(name, m.at),
                          entity_type=m.entity_type, entity=m.key, text=m.text, method=m.method, score=m.score,
                          start=m.start, end=m.end) for m in doc.mentions],
        "network_candidates": [dict(document=did, at=c.at, text=c.text, closest=c.closest, score=c.score,
                                    start=c.start, end=c.end) for c in doc.candidates],
        "network_facts": [dict(network=f.network, kind=f.kind, value=f.value, number=f.number, unit=f.unit,
                               document=did, document_date=doc.meta.date, at=f.at, cite=cite(name, f.at),
                               sentence=f.sentence, start=f.start, end=f.end) for f in doc.facts],
        "figures": [dict(subject=f.subject, value=f.value, unit=f.unit, as_of=f.as_of, document=did, at=f.at,
                         cite=cite(name, f.at), text=f.text, start=f.start, end=f.end) for f in doc.figures],
        "replies": [dict(document=did, footnote=r.footnote, anchor=r.anchor, country=r.country, iso3=r.iso3,
                         regional_group=group_of().get(r.iso3)) for r in doc.replies],
    }


def _mandate_rows(doc: ParsedDocument, did: str, name: str) -> dict[str, list[dict]]:
    """Mandates as printed; their lineage columns (mandate, thread, source) are filled by the
    corpus stage, which sees every document."""
    rows = []
    for m, s in sightings_of(doc):
        rows.append(dict(id=s.key, document=did, document_date=doc.meta.date, at=m.at, unit=f"{did}#{m.at}",
                         cite=cite(name, m.at), body=m.body, resolution=m.resolution,
                         session=int(m.resolution.split("/")[0]) if re.match(r"^\d+/", m.resolution or "") else None,
                         resolution_list=", ".join(m.resolution_list) or None, verb=m.verb, verb_printed=m.verb_printed, strength=m.strength,
                         addressee=m.addressee, addressee_key=normalise(m.addressee, doc.meta.body), action=m.action,
                         deliverable=m.deliverable, time_frame=m.time_frame, funding=m.funding, text=m.text, start=m.start, end=m.end, at_source=int(s.part is not None)))
    return {"mandates": rows,
            "proposals": [dict(document=did, at=p.at, cite=cite(name, p.at), text=p.text, start=p.start, end=p.end)
                          for p in doc.proposals],
            "evidence": [dict(document=did, at=e.at, cite=cite(name, e.at), text=e.text,
                              mandates=", ".join(dict.fromkeys(e.mandates)) or None, start=e.start, end=e.end)
                         for e in doc.evidence]}


@dataclass
class Prepared:
    """A parsed document as the build keeps it: its rows, its summary, its reader's warnings
    (made where it was parsed, see ``ingest.parse_stream``; the document itself is dropped)."""

    file: str
    rows: dict[str, tuple[list[str], list[tuple]]]  # table -> ``columnar`` rows
    entry: DocumentEntry
    input_warnings: list[str] = field(default_factory=list)


def prepare(doc: ParsedDocument, path, manifest: Optional[dict] = None) -> Prepared:
    """A parsed document's rows and summary, with its manifest row's date and title (the rows
    are made where it was parsed: a worker process)."""
    read = manifests.apply(doc, (manifest or {}).get(doc.file, {}))
    return Prepared(doc.file, _columnar_rows(doc), entry_of(doc, path, read), list(doc.input_warnings))


def _columnar_rows(doc: ParsedDocument) -> dict[str, tuple[list[str], list[tuple]]]:
    return {table: columnar(table_rows) for table, table_rows in document_rows(doc).items() if table_rows}


def write_rows(db: sqlite_utils.Database, rows: dict[str, tuple[list[str], list[tuple]]]) -> None:
    for table, (columns, values) in rows.items():
        insert_values(db, table, columns, values, replace=table != "references")


def write_document(db: sqlite_utils.Database, doc: ParsedDocument) -> None:
    write_rows(db, _columnar_rows(doc))


def delete_documents(db: sqlite_utils.Database, ids: list[str]) -> None:
    """Every row of these documents (children first: the foreign keys point at ``documents``),
    and what other documents' rows say of theirs: mandates whose source paragraph is here lose
    it, guideline versions read here go with their alignments (the corpus stage, which writes
    lineage and the guideline chains after the documents, gives both again)."""
    versions = "SELECT id FROM guideline_versions WHERE document = ?"
    for i in ids:
        db.conn.execute("UPDATE mandates SET source = NULL WHERE source IN "
                        "(SELECT id FROM resolution_paragraphs WHERE document = ?)", [i])
        for table in ("guideline_title_changes", "guideline_alignment"):
            db.conn.execute(f"DELETE FROM [{table}] WHERE from_version IN ({versions}) OR to_version IN ({versions})",
                            [i, i])
        db.conn.execute(f"DELETE FROM guideline_paragraphs WHERE version IN ({versions})", [i])
        db.conn.execute("DELETE FROM guideline_versions WHERE document = ?", [i])
    for table in ["texts"] + [t for t in DOCUMENT_TABLES if t != "documents"] + ["documents"]:
        column = "id" if table == "documents" else "document"
        db.conn.executemany(f"DELETE FROM [{table}] WHERE [{column}] = ?", [(i,) for i in ids])


def rename(db: sqlite_utils.Database, did: str, old: str, new: str) -> None:
    """Quote a document's rows under its new name (the symbol the corpus gave it)."""
    for table in CITED_TABLES:
        db.conn.execute(f"UPDATE [{table}] SET cite = ? || substr(cite, ?) WHERE document = ? AND substr(cite, 1, ?) = ?",
                        [new, len(old) + 1, did, len(old), old])


def mark_stale(db: sqlite_utils.Database, stale: dict[str, str]) -> None:
    """Which documents are published from an earlier build because their file failed in this one."""
    db.conn.execute("UPDATE documents SET stale = NULL WHERE stale IS NOT NULL")
    db.conn.executemany("UPDATE documents SET stale = ? WHERE id = ?", [(why, did) for did, why in sorted(stale.items())])


def carry_over(db: sqlite_utils.Database, old, did: str):
    """Copy a document's rows and summary from the database being replaced into this one (a
    full build keeps a published document whose file failed).  Columns are matched by name, so
    a database of an earlier schema gives what it has; returns the summary, or None when the
    old database does not hold the document."""
    from pipelines.corpus import cache

    db.conn.commit()
    db.conn.execute("ATTACH DATABASE ? AS old", [str(old)])
    try:
        stored = db.conn.execute("SELECT entry FROM old.corpus_entries WHERE id = ?", [did]).fetchone()
        if stored is None:
            return None
        for table in DOCUMENT_TABLES:
            mine = [c.name for c in db[table].columns]
            theirs = {r[1] for r in db.conn.execute(f"PRAGMA old.table_info([{table}])")}
            columns = ", ".join(f"[{c}]" for c in mine if c in theirs)
            if not columns:
                continue
            key = "id" if table == "documents" else "document"
            db.conn.execute(f"INSERT OR REPLACE INTO main.[{table}] ({columns}) SELECT {columns} FROM old.[{table}] "
                            f"WHERE [{key}] = ?", [did])
        db.conn.commit()
        entry = cache.load_records(stored[0].encode("utf-8"))
        return entry if isinstance(entry, DocumentEntry) else None
    except Exception:  # an old database too different to read from: the document cannot be kept
        db.conn.commit()
        delete_documents(db, [did])
        return None
    finally:
        db.conn.commit()
        db.conn.execute("DETACH DATABASE old")


def record_history(db: sqlite_utils.Database, old, fresh: bool, published: dict, built_at: str,
                   stale: list[str]) -> None:
    """The build's row in ``build_history`` (a full build brings the rows of the database it
    replaces along: an incremental one has them already) and each document's ``first_seen``: when
    a build first published it.  ``published``: the replaced database's documents, read before
    the build (``published_of``); a document is changed when its file's SHA-256 is."""
    if fresh and old is not None:
        _carry_history(db, old)
    now = dict(db.conn.execute("SELECT id, sha256 FROM documents"))
    db.conn.executemany("UPDATE documents SET first_seen = ? WHERE id = ?",
                        [((published.get(did) or (None,))[0] or built_at, did) for did in sorted(now)])
    added = [d for d in now if d not in published]
    changed = [d for d in now if d in published and published[d][1] != now[d] and d not in stale]
    removed = [d for d in published if d not in now]
    if added or changed or removed or stale or not db.conn.execute("SELECT count(*) FROM build_history").fetchone()[0]:
        documents = db.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        db.conn.execute("INSERT INTO build_history (id, built_at, documents, added, changed, removed, stale) "
                        "VALUES ((SELECT coalesce(max(id), 0) + 1 FROM build_history), ?, ?, ?, ?, ?, ?)",
                        [built_at, documents] + [json.dumps(sorted(v), ensure_ascii=False) for v in
                                                 (added, changed, removed, stale)])


def published_of(path) -> dict[str, tuple[Optional[str], Optional[str]]]:
    """Each published document of a database: (first_seen, sha256); empty if none, or an older one."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return {d: (f, h) for d, f, h in conn.execute("SELECT id, first_seen, sha256 FROM documents")}
        finally:
            conn.close()
    except sqlite3.Error:
        return {}


def _carry_history(db: sqlite_utils.Database, old) -> None:
    db.conn.commit()
    db.conn.execute("ATTACH DATABASE ? AS old", [str(old)])
    try:
        if db.conn.execute("SELECT 1 FROM old.sqlite_master WHERE name = 'build_history'").fetchone():
            db.conn.execute("INSERT OR REPLACE INTO main.build_history (id, built_at, documents, added, changed, "
                            "removed, stale) SELECT id, built_at, documents, added, changed, removed, stale "
                            "FROM old.build_history")
    except sqlite3.Error:  # an older or damaged database: the history starts here
        pass
    finally:
        db.conn.commit()
        db.conn.execute("DETACH DATABASE old")
