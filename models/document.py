"""Records for one parsed document: its metadata and its addressable text units.

Every unit keeps its provenance: an address (``12``, ``12(b)``, ``fn3``, ``g4.2``,
a heading's printed text, or ``front``), character offsets into the document's
normalized text, and the page for PDF input.  A unit split by a page break has
several ``segments``; ``start``/``end`` span the whole and ``segments`` say which
slices of the normalized text were joined to make ``text``.
"""
from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass, field
from typing import Optional


@dataclass
class DocumentMeta:
    symbol: Optional[str] = None
    symbol_source: Optional[str] = None  # printed | manifest | inferred | None
    date: Optional[str] = None  # ISO 8601
    body: Optional[str] = None
    session: Optional[str] = None
    meeting_place: Optional[str] = None
    meeting_dates: Optional[str] = None
    agenda_item: Optional[int] = None
    agenda_title: Optional[str] = None
    title: Optional[str] = None
    doc_type: Optional[str] = None
    agenda_symbol: Optional[str] = None
    language: Optional[str] = None  # ISO 639-1 (en, fr, es, ru, ar, zh; another code has no language pack)

    def name(self, file: str, symbol: Optional[str] = None) -> str:
        """How people call the document, everywhere it is shown or cited: its symbol; else its
        title cut short, with its date ("Revised draft non-binding guidelines on the timely
        sharing of information… (2021-06-28)"); else its type and date; only a file that says
        nothing of itself goes by its file name.  A stored file's name is a hash of its content,
        which no reader knows the document by."""
        symbol = symbol if symbol is not None else self.symbol
        if symbol:
            return symbol
        what = short_title(self.title) or self.doc_type
        if what:
            return f"{what} ({self.date})" if self.date else what
        return f"{file} (not identified)"


def short_title(title: Optional[str], limit: int = 80) -> Optional[str]:
    """A title cut at a word before ``limit`` characters, with an ellipsis when cut."""
    if not title:
        return None
    title = " ".join(title.split())
    return title if len(title) <= limit else title[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


@dataclass
class FieldEvidence:
    """Where a metadata field was read: the span of the normalized text, how sure the reader is."""

    field: str
    value: str
    start: int
    end: int
    confidence: float  # 1.0: a labelled line as printed; lower: read by position or from a noisy rendering
    rule: str  # the front-page label or position rule that read it


@dataclass
class Unit:
    """An addressable piece of text: paragraph, lettered item, footnote, heading, front matter."""

    at: str
    kind: str  # paragraph | item | footnote | heading | front | guideline_title | guideline_paragraph
    text: str
    start: int
    end: int
    page: Optional[int] = None
    segments: list[tuple[int, int]] = field(default_factory=list)
    parent: Optional[str] = None  # the paragraph of an item, the guideline of a guideline paragraph
    section: Optional[str] = None  # the heading the unit sits under
    level: Optional[int] = None  # headings only
    anchor: Optional[str] = None  # footnotes: address of the unit carrying the mark
    resolution: Optional[str] = None  # the key of the resolution text the unit belongs to (models.resolutions)

    def doc_offset(self, i: int) -> int:
        """Map an offset into ``text`` to an offset into the normalized document text (a
        binary search over the segments: a unit of thousands of lines is asked thousands of times)."""
        if not self.segments:
            return self.start + i
        ends = self.__dict__.get("_segment_ends")
        if ends is None or len(ends) != len(self.segments):
            ends, pos = [], 0
            for s, e in self.segments:
                pos += e - s
                ends.append(pos)
                pos += 1  # segments are joined with one space
            self.__dict__["_segment_ends"] = ends
        k = bisect.bisect_left(ends, i)
        if k == len(ends):
            return self.end
        s, e = self.segments[k]
        return s + (i - (ends[k] - (e - s)))


@dataclass
class Guideline:
    number: int
    title: Optional[str]
    paragraphs: list[Unit] = field(default_factory=list)


@dataclass
class ParsedDocument:
    file: str
    format: str  # text | markdown | pdf
    sha256: str
    text: str  # normalized text all offsets point into
    meta: DocumentMeta
    pages: Optional[int] = None
    front: list[Unit] = field(default_factory=list)
    headings: list[Unit] = field(default_factory=list)
    paragraphs: list[Unit] = field(default_factory=list)
    items: list[Unit] = field(default_factory=list)
    footnotes: list[Unit] = field(default_factory=list)
    guidelines: list[Guideline] = field(default_factory=list)
    preamble: list[Unit] = field(default_factory=list)  # preambular paragraphs of the resolutions it holds
    resolutions: list = field(default_factory=list)  # models.resolutions.Resolution, in order
    meta_evidence: list[FieldEvidence] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    input_warnings: list[str] = field(default_factory=list)  # what the reader repaired (encoding, NULs, noise)
    # Filled by the extractors (records from models.references, models.mandates, models.entities).
    references: list = field(default_factory=list)
    mandates: list = field(default_factory=list)
    proposals: list = field(default_factory=list)  # "may wish to": suggestions, not mandates
    evidence: list = field(default_factory=list)  # "Action taken" paragraphs
    mentions: list = field(default_factory=list)  # networks, organisations, countries, regional groups
    candidates: list = field(default_factory=list)  # network-like names not in the registry
    facts: list = field(default_factory=list)  # about networks
    figures: list = field(default_factory=list)
    replies: list = field(default_factory=list)  # States listed in footnotes

    def units(self) -> list[Unit]:
        """The units extractors read, in reading order.

        Lettered items are not listed: they are slices of their paragraph, and
        :meth:`address_at` gives a match inside one the item's address.
        """
        out = list(self.front) + list(self.headings) + list(self.footnotes) + list(self.paragraphs) + list(self.preamble)
        for g in self.guidelines:
            out.extend(g.paragraphs)
        return sorted(out, key=lambda u: u.start)

    def address_at(self, unit: Unit, offset: int) -> str:
        """The most specific address for ``offset`` into ``unit.text``: an item's, else the unit's."""
        pos = unit.doc_offset(offset)
        for item in self.items:
            if item.parent == unit.at and item.start <= pos < item.end:
                return item.at
        return unit.at

    def own_paragraph_count(self) -> int:
        """Numbered paragraphs of the document itself: the operative paragraphs of resolutions it
        reproduces (``8/9/op3``) and unnumbered ones (``op2``) are the resolutions' own."""
        return sum(1 for p in self.paragraphs if "op" not in p.at)

    def own_footnote_count(self) -> int:
        """Numbered footnotes; the starred ones ("*", "**") are notes on the symbol or agenda item."""
        return sum(1 for f in self.footnotes if not f.at.startswith("fn*"))

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class IngestError:
    file: str
    stage: str  # read | parse | symbol | resolution
    message: str
    hint: str
    severity: str = "error"  # error: the file was left out; warning: built, after a repair

    def __str__(self) -> str:
        return f"{self.file}: {self.message} ({self.hint})"
