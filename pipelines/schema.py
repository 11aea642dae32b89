"""The database schema, applied by one idempotent function.

Tables are created with explicit columns, keys, foreign keys and indexes, views and
full-text indexes (porter stemming) are declared here, so an empty corpus still gives a
complete, documented database.  ``pipelines.write`` fills the tables.
"""
from __future__ import annotations

import sqlite_utils

UNDOCS = "https://undocs.org/"

TABLES: dict[str, dict] = {
    "documents": dict(columns={
        "id": str, "file": str, "symbol": str, "symbol_source": str, "date": str, "year": int, "body": str,
        "session": str, "meeting_place": str, "meeting_dates": str, "agenda_item": int, "agenda_title": str,
        "title": str, "doc_type": str, "agenda_symbol": str, "url": str, "format": str, "pages": int,
        "sha256": str, "paragraph_count": int, "footnote_count": int, "warnings": str}, pk="id"),
    "paragraphs": dict(columns={
        "id": str, "document": str, "at": str, "kind": str, "parent": str, "seq": int, "section": str,
        "text": str, "start": int, "end": int, "page": int}, pk="id", fks=[("document", "documents", "id")]),
    "footnotes": dict(columns={
        "id": str, "document": str, "at": str, "anchor": str, "text": str, "start": int, "end": int,
        "page": int}, pk="id", fks=[("document", "documents", "id")]),
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
        "documents_citing": int, "times_cited": int}, pk="id"),
    "guideline_versions": dict(columns={
        "id": str, "document": str, "symbol": str, "label": str, "year": int, "chain": int, "position": int,
        "guidelines": int, "paragraphs": int}, pk="id", fks=[("document", "documents", "id")]),
    "guideline_paragraphs": dict(columns={
        "id": str, "version": str, "at": str, "kind": str, "guideline": int, "idx": int, "text": str},
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
        "resolution": str, "session": int, "resolution_list": str, "verb": str, "strength": str, "addressee": str, "action": str,
        "deliverable": str, "time_frame": str, "funding": str, "text": str, "start": int, "end": int,
        "mandate": str, "thread": str}, pk="id", fks=[("document", "documents", "id")]),
    "mandate_links": dict(columns={"id": int, "a": str, "b": str, "kind": str, "score": float, "method": str},
                          pk="id"),
    "proposals": dict(columns={"id": int, "document": str, "at": str, "cite": str, "text": str}, pk="id",
                      fks=[("document", "documents", "id")]),
    "evidence": dict(columns={"id": int, "document": str, "at": str, "cite": str, "text": str, "mandates": str},
                     pk="id", fks=[("document", "documents", "id")]),
    "ingest_errors": dict(columns={"id": int, "file": str, "stage": str, "severity": str, "message": str,
                                   "hint": str}, pk="id"),
    "build_info": dict(columns={"key": str, "value": str}, pk="key"),
}
VIEWS = {
    # Every sighting of every mandate, thread by thread, in date order.
    "mandate_threads": """
        select m.thread, m.mandate, d.date, coalesce(d.symbol, d.file) as document, m.at, m.cite, m.body,
               m.resolution,
               m.verb, m.strength, m.addressee, m.action, m.id as sighting
        from mandates m join documents d on d.id = m.document
        order by m.thread, coalesce(m.session, 999), d.date, m.cite""",
    # Stated figures as time series.
    "figure_series": """
        select subject, as_of, value, unit, group_concat(distinct document) as documents
        from figures group by subject, as_of, value, unit order by subject, as_of""",
    # A document's structure in reading order: headings and paragraphs with their addresses.
    "document_outline": """
        select document, start, 'heading' as kind, at, text from headings
        union all select document, start, kind, at, text from paragraphs
        order by document, start""",
    # document -> what it cites, with counts and the paragraphs that cite it.
    "citation_graph": """
        select d.id as document, d.symbol, r.kind, r.ref_id as cited, count(*) as times,
               group_concat(distinct r.at) as paragraphs,
               (select c.id from documents c where c.symbol = r.ref_id) as cited_document
        from [references] r join documents d on d.id = r.document
        group by d.id, r.kind, r.ref_id""",
}
INDEXES = {"references": ["ref_id", "kind"], "paragraphs": ["at"], "mentions": ["entity", "entity_type"],
           "mandates": ["thread", "resolution", "verb"],
           "figures": ["subject"], "network_facts": ["kind"]}
FTS = {"paragraphs": ["text"], "footnotes": ["text"], "documents": ["title", "agenda_title"],
       "mandates": ["action", "addressee"], "guideline_paragraphs": ["text"]}


def apply(db: sqlite_utils.Database) -> None:
    """Create every table, foreign key and index that is missing; safe to call again."""
    db.conn.execute("PRAGMA foreign_keys = ON")
    for name, spec in TABLES.items():
        if not db[name].exists():
            db[name].create(spec["columns"], pk=spec["pk"], foreign_keys=spec.get("fks", []))
        for column in [c for c, _, _ in spec.get("fks", [])] + INDEXES.get(name, []):
            index = f"idx_{name}_{column}"
            db.conn.execute(f"CREATE INDEX IF NOT EXISTS [{index}] ON [{name}] ([{column}])")
    for name, sql in VIEWS.items():
        db.conn.execute(f"DROP VIEW IF EXISTS [{name}]")
        db.conn.execute(f"CREATE VIEW [{name}] AS {sql}")


def enable_fts(db: sqlite_utils.Database) -> None:
    for table, columns in FTS.items():
        if not db[f"{table}_fts"].exists():
            db[table].enable_fts(columns, tokenize="porter", create_triggers=False)
        else:
            db[table].populate_fts(columns)
