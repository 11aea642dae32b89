"""The JSON shape of a parsed document, keyed as in the gold files (``cosp parse --json``)."""
from __future__ import annotations

from dataclasses import asdict, is_dataclass

from extract.networks import network_summary
from models.document import ParsedDocument, Unit

META_KEYS = ("symbol", "symbol_source", "date", "body", "session", "meeting_place", "meeting_dates",
             "agenda_item", "agenda_title", "title", "doc_type", "agenda_symbol")


def _unit(u: Unit, with_page: bool) -> dict:
    out = {"at": u.at, "text": u.text, "start": u.start, "end": u.end}
    if with_page and u.page is not None:
        out["page"] = u.page
    return out


def _records(items) -> list[dict]:
    return [asdict(x) if is_dataclass(x) else dict(x) for x in items]


def document_json(doc: ParsedDocument) -> dict:
    pdf = doc.format == "pdf"
    meta = asdict(doc.meta)
    return {
        "file": doc.file,
        "format": doc.format,
        "document": {k: meta[k] for k in META_KEYS},
        "language": meta.get("language"),
        "paragraph_count": doc.own_paragraph_count(),
        "footnote_count": doc.own_footnote_count(),
        "paragraphs": [_unit(p, pdf) for p in doc.paragraphs],
        "items": [_unit(i, pdf) for i in doc.items],
        "footnotes": [dict(_unit(f, pdf), anchor=f.anchor) for f in doc.footnotes],
        "headings": [dict(_unit(h, pdf), level=h.level) for h in doc.headings],
        "guidelines": [
            {"number": g.number, "title": g.title,
             "paragraphs": [_unit(p, pdf) for p in g.paragraphs if p.kind == "guideline_paragraph"]}
            for g in doc.guidelines
        ],
        "references": _records(doc.references),
        "mandates": _records(doc.mandates),
        "proposals": _records(doc.proposals),
        "evidence": _records(doc.evidence),
        "networks": network_summary(doc.mentions),
        "organisations": sorted({m.key for m in doc.mentions if m.entity_type == "organisation"}),
        "countries": sorted({m.key for m in doc.mentions if m.entity_type == "country"}),
        "network_candidates": _records(doc.candidates),
        "network_facts": _records(doc.facts),
        "figures": _records(doc.figures),
        "replies": _records(doc.replies),
        "warnings": doc.warnings,
    }
