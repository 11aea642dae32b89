"""What a reader hands the structure parser: the normalized text as typed lines.

Readers differ (plain text, Markdown, PDF) but all produce the same thing, so the
parser has one job and PDF/text parity can be tested line for line.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass
class Line:
    text: str
    start: int = 0  # offset of the line in the normalized text
    page: Optional[int] = None
    heading: Optional[int] = None  # Markdown heading level, when the source says so
    bold: bool = False  # the whole line is bold (a title or heading in Markdown)
    footnote_zone: bool = False  # PDF: the line sits under the footnote rule
    rule: bool = False  # a footnote separator ("---", "______", a drawn rule)
    page_break: bool = False  # first line of a new page (PDF), or after a page gap (text)
    indent: int = 0  # leading spaces or list nesting, as printed

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass
class Source:
    """A decoded, normalized document ready for structure parsing."""

    file: str
    format: str  # text | markdown | pdf
    sha256: str
    lines: list[Line]
    pages: Optional[int] = None
    warnings: list[str] = field(default_factory=list)
    printed_symbol: Optional[str] = None  # PDF: the symbol in the running header
    # What a marked-up file says of itself (Akoma Ntoso: language, adoption date, FRBR IRIs).
    declared: dict[str, str] = field(default_factory=dict)
    # The language a reader's identifier found in the whole text (the parser reuses it, not re-runs it).
    identified: Optional[str] = None

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def assign_offsets(lines: list[Line]) -> list[Line]:
    """Set each line's ``start`` so that ``"\\n".join(texts)`` is the normalized text."""
    pos = 0
    for line in lines:
        line.start = pos
        pos += len(line.text) + 1
    return lines
