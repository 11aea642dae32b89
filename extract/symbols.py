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
from typing import Optional

from rapidfuzz import fuzz

from extract.metadata import SYMBOL, bodies
from models.document import ParsedDocument, Unit

MIN_SCORE = 80.0
MARGIN = 5.0


@dataclass
class Citation:
    symbol: str
    citing_file: str
    at: str
    context: str


@dataclass
class Inference:
    file: str
    symbol: str
    score: float
    evidence: str  # "002_....txt para 57"


def _series_ok(symbol: str, body: Optional[str]) -> bool:
    if body is None:
        return False
    matches = [e for e in bodies() if any(symbol.startswith(s) for s in e["series"])]
    if not matches:
        return False
    longest = max(matches, key=lambda e: max(len(s) for s in e["series"] if symbol.startswith(s)))
    return longest["body"] == body


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


def infer_symbols(docs: list[ParsedDocument]) -> list[Inference]:
    """Symbols for the documents that have none; mutates nothing, returns the decisions."""
    claimed = {d.meta.symbol for d in docs if d.meta.symbol}
    cites = [c for d in docs for c in citations(d) if c.symbol not in claimed]
    best: dict[str, Inference] = {}
    for doc in docs:
        if doc.meta.symbol or not doc.meta.date:
            continue
        names = [t.lower() for t in (doc.meta.title, doc.meta.agenda_title) if t]
        scored: dict[str, Inference] = {}
        for c in cites:
            if c.citing_file == doc.file or _year(c.symbol) != doc.meta.date[:4]:
                continue
            if not _series_ok(c.symbol, doc.meta.body):
                continue
            score = max(fuzz.partial_ratio(name, c.context.lower()) for name in names)
            if score >= MIN_SCORE and score > scored.get(c.symbol, Inference("", "", 0, "")).score:
                scored[c.symbol] = Inference(doc.file, c.symbol, score, f"{c.citing_file} {c.at}")
        ranked = sorted(scored.values(), key=lambda i: -i.score)
        if ranked and (len(ranked) == 1 or ranked[0].score - ranked[1].score >= MARGIN):
            best[doc.file] = ranked[0]
    # A symbol given to two documents is given to neither.
    counts: dict[str, int] = {}
    for inf in best.values():
        counts[inf.symbol] = counts.get(inf.symbol, 0) + 1
    return [inf for inf in best.values() if counts[inf.symbol] == 1]
