"""The database schema, applied by one idempotent function.

Tables are created with explicit columns, keys, foreign keys and indexes, views and
full-text indexes (porter stemming) are declared here, so an empty corpus still gives a
complete, documented database.  ``pipelines.database.write`` fills the tables.
"""
from __future__ import annotations

import hashlib
from typing import Optional

import sqlite_utils

UNDOCS = "https://undocs.org/"

TABLES: dict[str, dict] = {
    "documents": dict(columns={
        "id": str, "name": str, "file": str, "symbol": str, "symbol_source": str, "date": str, "year": int, "body": str,
        "session": str, "meeting_place": str, "meeting_dates": str, "agenda_item": int, "agenda_title": str,
        "title": str, "doc_type": str, "agenda_symbol": str, "language": str, "url": str, "format": str, "pages": int,
        "sha256": str, "paragraph_count": int, "footnote_count": int, "warnings": str, "stale": str, "first_seen": str,
        "text_id": int}, pk="id"),
    "paragraphs": dict(columns={
        "id": str, "document": str, "at": str, "kind": str, "parent": str, "seq": int, "section": str,
        "text": str, "start": int, "end": int, "page": int, "text_id": int}, pk="id",
        fks=[("document", "documents", "id")]),
    "footnotes": dict(columns={
        "id": str, "document": str, "at": str, "anchor": str, "text": str, "start": int, "end": int,
        "page": int, "text_id": int}, pk="id", fks=[("document", "documents", "id")]),
    "headings": dict(columns={
        "id": str, "document": str, "at": str, "kind": str, "level": int, "seq": int, "text": str,
        "start": int, "end": int, "page": int}, pk="id", fks=[("document", "documents", "id")]),
    "references": dict(columns={
        "id": int, "document": str, "at": str, "unit": str, "cite": str, "kind": str, "ref_id": str, "text": str,
        "detail": str, "title": str, "url": str, "start": int, "end": int}, pk="id",
        fks=[("document", "documents", "id")]),
    "cosp_sessions": dict(columns={"session": int, "year": int, "place": str, "url": str}, pk="session"),
    "resolutions": dict(columns={
        "id": str, "kind": str, "session": int, "number": int, "year": int, "place": str, "title": str, "url": str,
        "documents_citing": int, "times_cited": int, "body": str, "adopted": str, "text_document": str,
        "texts": int}, pk="id"),
    "resolution_paragraphs": dict(columns={
        "id": str, "document": str, "resolution": str, "resolution_key": str, "address": str, "kind": str, "at": str,
        "unit": str, "cite": str, "verb": str, "lemma": str, "seq": int, "text": str, "start": int, "end": int, "page": int},
        pk="id", fks=[("document", "documents", "id")]),
    "metadata_evidence": dict(columns={
        "id": str, "document": str, "field": str, "value": str, "start": int, "end": int, "confidence": float,
        "rule": str}, pk="id", fks=[("document", "documents", "id")]),
    "guideline_versions": dict(columns={
        "id": str, "document": str, "symbol": str, "label": str, "year": int, "chain": int, "position": int,
        "guidelines": int, "paragraphs": int}, pk="id", fks=[("document", "documents", "id")]),
    "guideline_paragraphs": dict(columns={
        "id": str, "version": str, "at": str, "kind": str, "guideline": int, "idx": int, "text": str,
        "text_id": int},
        pk="id", fks=[("version", "guideline_versions", "id")]),
    "guideline_alignment": dict(columns={
        "id": int, "from_version": str, "to_version": str, "from_at": str, "to_at": str, "relation": str,
        "score": float, "method": str, "modal_before": str, "modal_after": str, "direction": str,
        "qualifiers_added": str, "qualifiers_removed": str, "subject_before": str, "subject_after": str,
        "changes": str, "sentence_moves": str, "diff_html": str, "diff_ops": str}, pk="id",
        fks=[("from_version", "guideline_versions", "id"), ("to_version", "guideline_versions", "id")]),
    "guideline_title_changes": dict(columns={
        "id": int, "from_version": str, "to_version": str, "guideline": int, "to_guideline": int,
        "from_title": str, "to_title": str, "direction": str, "qualifiers_added": str, "changes": str,
        "diff_html": str}, pk="id",
        fks=[("from_version", "guideline_versions", "id"), ("to_version", "guideline_versions", "id")]),
    "networks": dict(columns={
        "name": str, "acronym": str, "aliases": str, "type": str, "region": str, "documents": int,
        "mentions": int}, pk="name"),
    "organisations": dict(columns={"name": str, "acronym": str, "type": str, "documents": int, "mentions": int},
                          pk="name"),
    "countries": dict(columns={"iso3": str, "name": str, "regional_group": str}, pk="iso3"),
    "mentions": dict(columns={
        "id": int, "document": str, "at": str, "unit": str, "cite": str, "entity_type": str, "entity": str,
        "text": str, "method": str, "score": float, "start": int, "end": int}, pk="id",
        fks=[("document", "documents", "id")]),
    "network_candidates": dict(columns={
        "id": int, "document": str, "at": str, "text": str, "closest": str, "score": float, "start": int,
        "end": int}, pk="id", fks=[("document", "documents", "id")]),
    "network_facts": dict(columns={
        "id": int, "network": str, "kind": str, "value": str, "number": int, "unit": str, "document": str,
        "document_date": str, "at": str, "cite": str, "sentence": str, "start": int, "end": int}, pk="id",
        fks=[("document", "documents", "id"), ("network", "networks", "name")]),
    "figures": dict(columns={
        "id": int, "subject": str, "value": int, "unit": str, "as_of": str, "document": str, "at": str,
        "cite": str, "text": str, "start": int, "end": int}, pk="id", fks=[("document", "documents", "id")]),
    "replies": dict(columns={
        "id": int, "document": str, "footnote": str, "anchor": str, "country": str, "iso3": str,
        "regional_group": str}, pk="id", fks=[("document", "documents", "id"), ("iso3", "countries", "iso3")]),
    "mandates": dict(columns={
        "id": str, "document": str, "document_date": str, "at": str, "unit": str, "cite": str, "body": str,
        "resolution": str, "session": int, "resolution_list": str, "verb": str, "verb_printed": str, "strength": str, "addressee": str,
        "addressee_key": str, "action": str,
        "deliverable": str, "time_frame": str, "funding": str, "text": str, "start": int, "end": int,
        "at_source": int, "source": str, "source_score": float, "source_method": str,
        "mandate": str, "thread": str, "text_id": int}, pk="id",
        fks=[("document", "documents", "id"), ("source", "resolution_paragraphs", "id")]),
    "mandate_links": dict(columns={"id": int, "a": str, "b": str, "kind": str, "score": float, "method": str},
                          pk="id"),
    "proposals": dict(columns={"id": int, "document": str, "at": str, "cite": str, "text": str, "start": int,
                               "end": int}, pk="id", fks=[("document", "documents", "id")]),
    "evidence": dict(columns={"id": int, "document": str, "at": str, "cite": str, "text": str, "mandates": str,
                              "start": int, "end": int}, pk="id", fks=[("document", "documents", "id")]),
    "ingest_errors": dict(columns={"id": int, "file": str, "stage": str, "severity": str, "message": str,
                                   "hint": str}, pk="id"),
    "texts": dict(columns={
        "id": int, "kind": str, "document": str, "at": str, "source_table": str, "source": str, "text": str,
        "detail": str}, pk="id", fks=[("document", "documents", "id")]),
    "build_info": dict(columns={"key": str, "value": str}, pk="key"),
    # One row per build that published something: what came in, changed, left or stayed stale.
    "build_history": dict(columns={"id": int, "built_at": str, "documents": int, "added": str, "changed": str,
                                   "removed": str, "stale": str}, pk="id"),
    "corpus_entries": dict(columns={"id": str, "sha256": str, "path": str, "entry": str}, pk="id"),
}
# Tables derived from the others at the end of every build (they were views: at 1,000
# documents a view's ORDER BY or GROUP BY ran on every page, 0.1-0.25 s; a table with an
# index answers in milliseconds).  The outline keeps each text's first 300 characters: it is
# for finding a place; the reading page and `paragraphs` hold the text.
DERIVED_INDEXES = {
    "mandate_threads": ["thread", "sighting", "mandate", "resolution", "body", "verb"],
    "document_outline": [("document", "start"), "kind"],
    "citation_graph": ["document", "cited", "cited_document", "kind"],
    "figure_series": ["subject"],
}
DERIVED = {
    # Every sighting of every mandate, thread by thread: each mandate starts at the operative
    # paragraph that gives it (when the resolution text is in the corpus), then the documents
    # that report on it, in date order.
    "mandate_threads": """
        select m.thread, m.mandate, d.date, coalesce(d.symbol, d.id) as document, m.at, m.cite, m.body,
               m.resolution, m.verb, m.strength, m.addressee, m.action, m.at_source, m.source,
               p.cite as source_cite, m.source_score, m.id as sighting
        from mandates m join documents d on d.id = m.document
        left join resolution_paragraphs p on p.id = m.source
        order by m.thread, coalesce(m.session, 999), m.mandate, m.at_source desc, d.date, m.cite, m.id""",
    # A document's structure in reading order: headings and paragraphs with their addresses.
    "document_outline": """
        select document, start, 'heading' as kind, at, substr(text, 1, 300) as text from headings {where}
        union all select document, start, kind, at, substr(text, 1, 300) from paragraphs {where}
        order by document, start""",
}
# Lookup columns (a tuple is one index over several), and every column metadata.yml offers as a facet: a facet is a GROUP BY
# on each table page, an index scan instead of a table scan plus a sort (tests check this).
INDEXES = {
    "documents": ["doc_type", "body", "year", "symbol_source", "format", "symbol", "first_seen", "language"],  # symbol: citation_graph joins on it
    "paragraphs": ["at", "kind"],
    "headings": ["kind", "level"],
    "references": ["ref_id", "kind"],
    "resolutions": ["kind", "session", "year", "body"],
    "resolution_paragraphs": ["document", "resolution", "kind", "verb"],
    "metadata_evidence": ["document", "field", "rule"],
    "guideline_paragraphs": ["guideline", "kind"],
    "guideline_alignment": ["relation", "direction", "method"],
    "guideline_title_changes": ["direction"],
    "networks": ["type", "region"],
    "organisations": ["type"],
    "countries": ["regional_group"],
    "mentions": [("entity_type", "entity"), "entity", "method"],  # (type, name): an entity page, its kind's index
    "network_facts": ["kind"],
    "figures": ["subject", "as_of"],
    "replies": ["regional_group"],
    "mandates": ["thread", "resolution", "verb", "body", "strength", "deliverable", "funding", "mandate", "at_source",
                 "addressee_key"],
    "mandate_links": ["kind", "method"],
    "ingest_errors": ["severity", "stage"],
    "texts": [("source_table", "source"), "kind"],  # (table, id): how index_texts finds a row's text
}
# Every searchable text, gathered into `texts` under one full-text index.  One index instead
# of one per table because Datasette checks permissions table by table, copying the metadata
# each time: five FTS5 indexes meant 25 shadow tables, half the cost of the database page.
# `text_id` in each source table points back here, so each table page keeps its search box
# (metadata.yml sets fts_table/fts_pk).
TEXT_SOURCES = {
    "paragraphs": "select text_id, kind, document, at, id, text, null from paragraphs order by document, seq",
    "footnotes": "select text_id, 'footnote', document, at, id, text, null from footnotes order by document, start",
    "documents": "select text_id, 'title', id as document, 'front', id, title, agenda_title from documents order by id",
    "mandates": "select text_id, 'mandate', document, at, id, action, addressee from mandates order by document, start",
    "guideline_paragraphs": """select g.text_id, 'guideline', v.document, g.at, g.id, g.text, null
        from guideline_paragraphs g join guideline_versions v on v.id = g.version order by g.version, g.idx""",
}
FTS_COLUMNS = ["text", "detail"]


ORDINAL_BITS = 22  # rows of one table per document: 4 million at most


def stable_id(owner: str, table: str, n: int) -> int:
    """A row's integer id, the same in every build that has the row: 41 bits of a hash of its
    document (or guideline version) and table, then its place among that document's rows of the
    table.  Ids that counted rows as they were inserted changed whenever a document before them
    was added, changed or removed, and an incremental build numbered rows otherwise than a full
    one: every row URL (``/cosp/references/1234``) broke at each build.  The rows of one document
    are consecutive ids, so a build inserts them in order within the table's B-tree (a hash per
    row scattered them: a third more time writing).  Two documents share a prefix with odds of
    about 1 in 40 million per table at 10,000 documents."""
    key = f"{owner}\x1f{table}".encode("utf-8", "surrogatepass")
    prefix = int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big") >> (64 - (63 - ORDINAL_BITS))
    return prefix << ORDINAL_BITS | n


def apply(db: sqlite_utils.Database) -> None:
    """Create every table, foreign key and index that is missing; safe to call again."""
    db.conn.execute("PRAGMA foreign_keys = ON")
    for name, spec in TABLES.items():
        if not db[name].exists():
            db[name].create(spec["columns"], pk=spec["pk"], foreign_keys=spec.get("fks", []))
        text_id = ["text_id"] if name in TEXT_SOURCES else []
        for columns in [c for c, _, _ in spec.get("fks", [])] + INDEXES.get(name, []) + text_id:
            columns = [columns] if isinstance(columns, str) else list(columns)
            index = f"idx_{name}_{'_'.join(columns)}"
            listed = ", ".join(f"[{c}]" for c in columns)
            db.conn.execute(f"CREATE INDEX IF NOT EXISTS [{index}] ON [{name}] ({listed})")
    for name in list(DERIVED) + list(AGGREGATES):
        if name in db.view_names():  # what older databases had
            db.conn.execute(f"DROP VIEW [{name}]")


# The document a cited symbol names: its English version where the corpus holds several languages.
CITED_DOCUMENT = "select c.id from documents c where c.symbol = {symbol} order by coalesce(c.language, 'en') != 'en', c.id limit 1"
# Derived tables whose rows belong to one document each: an incremental build redoes the written
# documents' rows only (``derive_documents``).
PER_DOCUMENT = ("document_outline", "citation_graph")
# The written documents of an incremental build, as a condition on a document column.
IN_NEW = "{column} IN (SELECT id FROM temp.new_documents)"
# Aggregates whose lists must come in reading order: SQLite's group_concat follows whatever
# order its GROUP BY sorter leaves (3.40 has no ORDER BY inside aggregates), so these are
# grouped in Python over rows read in a fixed order.
AGGREGATES = {
    # Stated figures as time series: the documents stating each value.
    "figure_series": ("select subject, as_of, value, unit, document from figures order by subject, as_of, document, start",
                      ["subject", "as_of", "value", "unit"], "document", "documents", None),
    # document -> what it cites, with counts and the paragraphs that cite it.
    "citation_graph": ("""select r.document, d.symbol, r.kind, r.ref_id as cited, r.at,
                             (""" + CITED_DOCUMENT.format(symbol="r.ref_id") + """) as cited_document
                          from [references] r join documents d on d.id = r.document {where_r}
                          order by r.document, r.kind, r.ref_id, r.start, r.id""",
                       ["document", "symbol", "kind", "cited"], "at", "paragraphs", "times"),
}


def _aggregate(db: sqlite_utils.Database, name: str, only_new: bool = False) -> None:
    sql, keys, listed, as_name, count_name = AGGREGATES[name]
    cursor = db.conn.execute(sql.replace("{where_r}", "WHERE " + IN_NEW.format(column="r.document") if only_new else ""))
    columns = [c[0] for c in cursor.description]
    rows: dict[tuple, dict] = {}
    for values in cursor:
        row = dict(zip(columns, values))
        key = tuple(row[k] for k in keys)
        out = rows.get(key)
        if out is None:
            out = rows[key] = {k: row[k] for k in columns if k != listed}
            out[as_name] = []
            if count_name:
                out[count_name] = 0
        if row[listed] not in out[as_name]:
            out[as_name].append(row[listed])
        if count_name:
            out[count_name] += 1
    for out in rows.values():
        out[as_name] = ",".join(str(v) for v in out[as_name])
    order = keys + ([count_name] if count_name else []) + [as_name]
    order += [c for c in columns if c not in order and c != listed]
    if not only_new:
        db.conn.execute(f"CREATE TABLE [{name}] ({', '.join(f'[{c}]' for c in order)})")  # untyped: values keep theirs
    db.conn.executemany(f"INSERT INTO [{name}] VALUES ({', '.join('?' for _ in order)})",
                        [[r.get(c) for c in order] for r in rows.values()])


# The derived tables that read what the corpus stage links (lineage): made after it.
LINKED_DERIVED = ("mandate_threads",)


def derive(db: sqlite_utils.Database, names: Optional[list[str]] = None) -> None:
    """(Re)make the derived tables (``names``, default all) from the rows written, rows in the
    order the SQL gives."""
    for name in names if names is not None else list(DERIVED) + list(AGGREGATES):
        db.conn.execute(f"DROP TABLE IF EXISTS [{name}]")
        if name in DERIVED:
            sql = DERIVED[name].replace("{where}", "")
            db.conn.execute(f"CREATE TABLE [{name}] AS {sql}")
        else:
            _aggregate(db, name)
        for columns in DERIVED_INDEXES.get(name, []):
            columns = [columns] if isinstance(columns, str) else list(columns)
            listed = ", ".join(f"[{c}]" for c in columns)
            db.conn.execute(f"CREATE INDEX [idx_{name}_{'_'.join(columns)}] ON [{name}] ({listed})")


def mark_new_documents(db: sqlite_utils.Database, documents: set[str]) -> None:
    """The temp table naming an incremental build's written documents, for the queries that
    redo their rows only."""
    db.conn.execute("CREATE TEMP TABLE IF NOT EXISTS new_documents (id TEXT PRIMARY KEY)")
    db.conn.execute("DELETE FROM new_documents")
    db.conn.executemany("INSERT INTO new_documents VALUES (?)", [(d,) for d in sorted(documents)])


def derive_documents(db: sqlite_utils.Database, names: list[str], documents: set[str]) -> None:
    """The per-document derived tables of an incremental build: the written and removed
    documents' rows out, the written ones' rows in, and the citations whose cited document may
    have come, gone or changed symbol pointed again.  Rows equal a full build's (in another order)."""
    mark_new_documents(db, documents)
    for name in names:
        if name not in db.table_names():
            derive(db, [name])
            continue
        db.conn.execute(f"DELETE FROM [{name}] WHERE {IN_NEW.format(column='document')} "
                        "OR document NOT IN (SELECT id FROM documents)")
        if name in DERIVED:
            sql = DERIVED[name].replace("{where}", "WHERE " + IN_NEW.format(column="document"))
            db.conn.execute(f"INSERT INTO [{name}] {sql}")
        else:
            _aggregate(db, name, only_new=True)
    if "citation_graph" in names:
        cited = CITED_DOCUMENT.format(symbol="citation_graph.cited")
        db.conn.execute(
            f"UPDATE citation_graph SET cited_document = ({cited}) "
            f"WHERE cited IN (SELECT symbol FROM documents WHERE {IN_NEW.format(column='id')}) "
            f"OR {IN_NEW.format(column='cited_document')} "
            "OR (cited_document IS NOT NULL AND cited_document NOT IN (SELECT id FROM documents))")


def index_texts(db: sqlite_utils.Database, documents: Optional[set[str]] = None) -> None:
    """Gather every searchable text into `texts`, point each source row at it, keep the FTS5 index.

    ``documents``: an incremental build's new and changed documents; only their texts are
    added (the deleted documents' went with them, ``write.delete_documents``), and the
    guideline texts, which every build redoes.  The index follows `texts` through triggers."""
    index_document_texts(db, documents)
    index_guideline_texts(db, documents is not None)


def index_document_texts(db: sqlite_utils.Database, documents: Optional[set[str]] = None) -> None:
    """The first half of ``index_texts``: the documents' own texts, and the FTS5 index over
    them (built in one pass when it is new), which then follows `texts` through its triggers.
    The guideline chains' texts come later, once the corpus stage has written them."""
    if documents is None:
        db.conn.execute("DELETE FROM texts")
    else:
        mark_new_documents(db, documents)
        db.conn.execute(f"DELETE FROM texts WHERE {IN_NEW.format(column='document')}")
    for table in TEXT_SOURCES:
        if table != "guideline_paragraphs":
            _add_texts(db, table, "" if documents is None else " WHERE " + IN_NEW.format(column="s.document"))
    if not db["texts_fts"].exists():
        db["texts"].enable_fts(FTS_COLUMNS, tokenize="porter", create_triggers=True)
    elif documents is None:
        db["texts"].rebuild_fts()


def index_guideline_texts(db: sqlite_utils.Database, update: bool = False) -> None:
    """The second half of ``index_texts``: the guideline texts (the index's triggers add them).
    An ``update`` (an incremental build) writes only the texts that came, went or changed."""
    if not update:
        _add_texts(db, "guideline_paragraphs", "")
        return
    want = {r[0]: r + ("guideline_paragraphs",) for r in db.conn.execute(TEXT_SOURCES["guideline_paragraphs"])}
    have = {r[0]: r for r in db.conn.execute("SELECT id, kind, document, at, source, text, detail, source_table "
                                              "FROM texts WHERE source_table = 'guideline_paragraphs'")}
    db.conn.executemany("DELETE FROM texts WHERE id = ?", [(k,) for k, v in have.items() if want.get(k) != v])
    db.conn.executemany("INSERT INTO texts (id, kind, document, at, source, text, detail, source_table) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [v for k, v in want.items() if have.get(k) != v])


def text_id(owner: str, table: str, n: int) -> int:
    """The `texts` row of a source row's text (the ``n``-th row of ``owner`` in ``table``): a
    ``stable_id`` of its own, carried by the source row from the start (``write.document_rows``),
    so nothing is looked up."""
    return stable_id(owner, f"texts/{table}", n)


def _add_texts(db: sqlite_utils.Database, table: str, where: str) -> None:
    db.conn.execute("INSERT INTO texts (id, kind, document, at, source, text, detail, source_table) "
                    f"SELECT s.*, '{table}' FROM ({TEXT_SOURCES[table]}) AS s{where}")
