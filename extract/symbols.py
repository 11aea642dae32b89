"""Give documents that do not print their symbol one, from a manifest or from citations.

UN text conversions often lose the symbol printed in the page header.  Other documents
of the corpus cite it: "a document on the timely sharing of information ...
(CAC/COSP/WG.2/2018/5)", or a footnote "CAC/COSP/WG.2/2018/5, sect. IV." anchored in
a sentence that describes the document.  A cited symbol is given to a document when

* the symbol's year is the document's year and its series belongs to the document's
  body (``WG.2`` is the Working Group on Asset Recovery, from ``bodies.yaml``);
* the words around the citation match the document's title or agenda title
  (rapidfuzz ``partial_ratio`` over lower-cased text, at least ``MIN_SCORE``);
* exactly one document fits best, and no printed symbol already claims it.

Every inferred symbol carries its evidence; nothing is guessed silently.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional

from rapidfuzz import fuzz

from extract.metadata import SYMBOL, bodies
from models.corpus import Citation
from models.document import ParsedDocument, Unit
from models.references import Reference

MIN_SCORE = 80.0
MARGIN = 5.0


@dataclass
class Inference:
    file: str
    symbol: str
    score: float
    evidence: str  # where it is cited: "CAC/COSP/WG.2/2018/2, para. 57" (the citing document by its name)


def _series_body(symbol: str) -> Optional[str]:
    """The body whose series the symbol belongs to (the longest series prefix wins)."""
    matches = [e for e in bodies() if any(symbol.startswith(s) for s in e["series"])]
    if not matches:
        return None
    return max(matches, key=lambda e: max(len(s) for s in e["series"] if symbol.startswith(s)))["body"]


def _year(symbol: str) -> Optional[str]:
    m = re.search(r"/((?:19|20)\d\d)/", symbol)
    return m.group(1) if m else None


def citations(doc: ParsedDocument) -> list[Citation]:
    """Symbols cited in a document, each with the words that describe what is cited."""
    out: list[Citation] = []
    by_at = {u.at: u for u in doc.units()}
    for unit in doc.units():
        for m in SYMBOL.finditer(unit.text):
            if unit.kind == "footnote":
                anchor = by_at.get(unit.anchor or "")
                context = _sentence_with_mark(anchor, unit.at) if anchor else ""
            else:
                context = unit.text[max(0, m.start() - 400):m.start()]
            if context:
                out.append(Citation(m.group(0), doc.file, unit.at, context))
    return out


def _sentence_with_mark(unit: Unit, footnote_at: str) -> str:
    from extract.readers.markup import SUPERSCRIPT

    mark = footnote_at[2:].translate(SUPERSCRIPT)
    i = unit.text.find(mark)
    if i < 0:
        return unit.text[-400:]
    start = max(unit.text.rfind(". ", 0, i) + 2, i - 400)
    return unit.text[start:i]


def infer_symbols(entries: Iterable) -> list[Inference]:
    """Symbols for the documents that have none; mutates nothing, returns the decisions.

    ``entries`` are ``models.corpus.DocumentEntry`` (``file``, ``meta``, ``citations``).
    Citations are blocked by year and body: a document is compared only with the symbols
    its year and series allow, not with every citation of the corpus."""
    entries = list(entries)
    claimed = {e.meta.symbol for e in entries if e.meta.symbol}
    blocks: dict[tuple[Optional[str], Optional[str]], list[Citation]] = {}
    body_of: dict[str, Optional[str]] = {}
    for e in entries:
        for c in e.citations:
            if c.symbol in claimed:
                continue
            if c.symbol not in body_of:
                body_of[c.symbol] = _series_body(c.symbol)
            blocks.setdefault((_year(c.symbol), body_of[c.symbol]), []).append(c)
    best: dict[str, Inference] = {}
    called = {e.file: e.meta.name(e.file) for e in entries}
    for entry in entries:
        meta = entry.meta
        if meta.symbol or not meta.date:
            continue
        names = [t.lower() for t in (meta.title, meta.agenda_title) if t]
        scored: dict[str, Inference] = {}
        for c in blocks.get((meta.date[:4], meta.body), []) if meta.body else []:
            if c.citing_file == entry.file:
                continue
            score = max((fuzz.partial_ratio(name, c.context.lower()) for name in names), default=0)
            if score >= MIN_SCORE and score > scored.get(c.symbol, Inference("", "", 0, "")).score:
                scored[c.symbol] = Inference(entry.file, c.symbol, score, f"{called.get(c.citing_file, c.citing_file)}, para. {c.at}")
        ranked = sorted(scored.values(), key=lambda i: -i.score)
        if ranked and (len(ranked) == 1 or ranked[0].score - ranked[1].score >= MARGIN):
            best[entry.file] = ranked[0]
    # A symbol given to two documents is given to neither.
    counts: dict[str, int] = {}
    for inf in best.values():
        counts[inf.symbol] = counts.get(inf.symbol, 0) + 1
    return [inf for inf in best.values() if counts[inf.symbol] == 1]


def without_self_references(refs: list[Reference], symbol: Optional[str], resolutions=()) -> list[Reference]:
    """What names the document or a text it holds does not cite it: its own symbol (front page,
    running header, a site title), and a "Resolution 8/9" heading above the text of 8/9."""
    bare = re.sub(r"\s*\(\d{4}\)$", "", symbol or "")  # "S/RES/2504 (2020)" is S/RES/2504

    def own(r: Reference) -> bool:
        if symbol and r.kind in ("document", "ga_resolution", "other_resolution") and (
                r.id == symbol or re.sub(r"\s*\(\d{4}\)$", "", r.id) == bare):
            return True
        return bool(re.fullmatch(r"(?i)resolution\s+\S+", r.text.strip())) and any(
            r.id == res.id and res.start - 400 <= r.start < res.start for res in resolutions)

    return [r for r in refs if not own(r)]
