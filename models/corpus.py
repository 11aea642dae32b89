"""What the corpus-wide stages need of each document, once its rows are written.

A build writes each document's rows as soon as it is parsed and keeps only this summary:
symbol inference reads the citations, the duplicate checks the symbol and resolution
texts, lineage the mandate sightings, alignment the guideline version.  The summary is
small (a few kilobytes where the parsed document is megabytes), it is stored in the
database (``corpus_entries``) so an incremental build has every unchanged document's
summary without parsing or loading it, and it is plain data.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from models.document import DocumentMeta
from models.guidelines import GuidelineVersion


@dataclass
class Citation:
    """A symbol cited in a document, with the words that describe what is cited."""

    symbol: str
    citing_file: str
    at: str
    context: str


@dataclass
class Sighting:
    """One mandate as one document prints or reports it (``extract.lineage`` links them)."""

    key: str  # document#address#verb
    document: str
    date: Optional[str]
    at: str
    body: str
    resolution: Optional[str]
    verb: str
    action: str
    addressee: Optional[str] = None
    part: Optional[str] = None  # the resolution paragraph this sighting is printed in, when it is the source


@dataclass
class ResolutionText:
    """A resolution's text held by a document: what the ``resolutions`` table learns from it."""

    id: Optional[str]
    key: str
    draft: bool
    start: int
    end: int
    title: Optional[str] = None
    issuer: Optional[str] = None
    adopted: Optional[str] = None


@dataclass
class DocumentEntry:
    id: str
    file: str
    sha256: str
    meta: DocumentMeta  # as parsed (printed symbol); the corpus decides inferred and manifest symbols
    written_symbol: Optional[str] = None  # the symbol the document's rows were written under
    citations: list[Citation] = field(default_factory=list)
    resolutions: list[ResolutionText] = field(default_factory=list)
    sightings: list[Sighting] = field(default_factory=list)
    guidelines: Optional[GuidelineVersion] = None
    warnings: list[str] = field(default_factory=list)  # the parser's, before the corpus adds its own
    input_warnings: list[str] = field(default_factory=list)  # what the reader repaired: recorded at every build
    path: str = ""  # where it was read from (to read it again if the corpus changes its symbol)
    paragraphs: list[str] = field(default_factory=list)  # numbered paragraphs' addresses: language versions line up by them
    # The fields a manifest replaced in ``meta``, with the values the file reads: a document whose
    # manifest row changed, or went, is written again from its file (``database/build.py``).
    read: dict[str, Optional[str]] = field(default_factory=dict)

    def corrected(self) -> dict[str, Optional[str]]:
        """The manifest's values this document's rows were written with, by field."""
        return {k: getattr(self.meta, k) for k in self.read}
