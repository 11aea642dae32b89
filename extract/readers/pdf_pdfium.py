"""Printed lines of a PDF page from pypdfium2: PDFium's own text, measured where it matters.

PDFium already spaces words the way they were printed (its text holds the PDF's space
characters and the spaces it infers from gaps), so a page's text comes in one call.  Asking
for every character's box costs a call per character (about 100 pages/s on its own); the
reader asks only where the layout is decided:

* each of PDFium's text runs: the box and size of its first and last characters (baseline,
  left and right edges, font size, weight);
* footnote marks: digits printed straight after a word ("Corruption5", "Protocol, 2") are
  checked for a smaller font, and become ``⁵`` as in the text conversions;
* columns: only a run wider than its characters could fill is searched for a gap of several
  em-spaces (the two-column front page: "General Assembly  Distr.: General").

PDFium breaks its text where a raised footnote mark shifts the baseline; :mod:`pdf_layout`
puts the pieces of one printed line back together by baseline.
"""
from __future__ import annotations

import ctypes
import re
from typing import Optional

from extract.errors import ReadError
from extract.readers.markup import SUPERSCRIPT
from extract.readers.pdf_layout import PrintedPage, Segment

_MARK = re.compile(r"(?<=[A-Za-z,;:)\]”’\".])\d{1,3}(?=[\s,.;:)]|$)|(?<=\s)\d{1,3}$|(?<=[A-Za-z,;:)\]”’\".])\*(?=\s|$)"
                   r"|^\d{1,3}(?=\s+[a-z])", re.M)
COLUMN_GAP = 4.0  # em-spaces between two columns of one baseline
MARK_RATIO = 0.8  # a footnote mark's font is under this fraction of its line's


def open_pdf(data: bytes, name: str):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        import pypdfium2.raw as c

        code = getattr(exc, "err_code", None)
        if code == c.FPDF_ERR_PASSWORD:
            raise ReadError("the PDF is password-protected", "open it with its password and save an unprotected copy")
        if code == c.FPDF_ERR_SECURITY:
            raise ReadError("the PDF's security handler is not supported", "save an unprotected copy of the PDF")
        raise ReadError("the PDF is damaged or truncated", "download the PDF again, or give its text export instead")


class _Page:
    """One page's text and the few character measurements the reader asks for."""

    def __init__(self, page):
        import pypdfium2.raw as c

        self.c = c
        self.height = page.get_height()
        self.width = page.get_width()
        self.textpage = page.get_textpage()
        self.raw = self.textpage.raw
        self.text = self.textpage.get_text_range()
        self._rect = c.FS_RECTF()
        self._ref = ctypes.byref(self._rect)

    def box(self, i: int) -> tuple[float, float, float, float]:
        """(left, top, right, bottom), top-down like pdfplumber's: the font's box, not the ink's."""
        self.c.FPDFText_GetLooseCharBox(self.raw, i, self._ref)
        r = self._rect
        return r.left, self.height - r.top, r.right, self.height - r.bottom

    def size(self, i: int) -> float:
        return self.c.FPDFText_GetFontSize(self.raw, i)

    def bold(self, i: int) -> bool:
        return self.c.FPDFText_GetFontWeight(self.raw, i) >= 600

    def close(self) -> None:
        self.textpage.close()


def _runs(text: str):
    """(start, end) of each of PDFium's text runs (its line breaks are "\\r\\n")."""
    pos = 0
    for m in re.finditer(r"\r\n|\n|\r", text):
        yield pos, m.start()
        pos = m.end()
    yield pos, len(text)


def _segments(p: _Page, a: int, b: int, number: int, run: int) -> list[Segment]:
    text = p.text
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if a >= b:
        return []
    marks = [(m.start(), m.end()) for m in _MARK.finditer(text, a, b)] if any(
        ch.isdigit() or ch == "*" for ch in text[a:b]) else []
    normal = [i for i in (a, b - 1) if not any(s <= i < e for s, e in marks)] or [a]
    size = max(p.size(i) for i in normal)
    # A mark is smaller than the character it follows (not than the run: "A/C.2/80/L.23" opens
    # with a large initial "A", and its "23" is no mark); one that opens a run (PDFium breaks its
    # text at a raised mark) is compared with the character after it.
    sup = [(s, e) for s, e in marks if _raised_mark(p, s, _neighbour(text, s, e, a, b))]
    cuts = _column_cuts(p, a, b, size) if (b - a) > 3 else []
    out = []
    for s, e in zip([a] + cuts, cuts + [b]):
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append(_segment(p, s, e, size, [m for m in sup if s <= m[0] < e], number, run))
    return out


def _neighbour(text: str, s: int, e: int, a: int, b: int) -> int:
    if s > a:
        return s - 1 if text[s - 1] != " " else max(a, s - 2)
    k = e
    while k < b - 1 and text[k] == " ":
        k += 1
    return k


def _raised_mark(p: _Page, i: int, before: int) -> bool:
    """A footnote mark: smaller than the character before it and raised above its baseline (a
    table's figures in a smaller font sit on the baseline)."""
    size = p.size(before)
    if p.size(i) >= size * MARK_RATIO:
        return False
    return p.box(i)[3] < p.box(before)[3] - 0.25 * size


def _column_cuts(p: _Page, a: int, b: int, size: float) -> list[int]:
    """Where a run holds a gap of several em-spaces; searched only when the run is wider than
    its characters could be printed (half an em each, generously)."""
    left = p.box(a)[0]
    right = p.box(b - 1)[2]
    small = min(size, p.size(b - 1))
    if right - left <= (b - a) * small * 0.75:
        return []
    cuts = []
    for i in range(a + 1, b - 1):
        if p.text[i] == " ":
            gap = p.box(i + 1)[0] - p.box(i - 1)[2]
            if gap > COLUMN_GAP * small:
                cuts.append(i)
    return cuts


def _segment(p: _Page, s: int, e: int, size: float, sup: list[tuple[int, int]], number: int, run: int) -> Segment:
    text = p.text
    pieces, pos = [], s
    for ms, me in sup:
        pieces.append(text[pos:ms].rstrip(" "))  # "Protocol, 2" -> "Protocol,²"
        pieces.append(text[ms:me].translate(SUPERSCRIPT))
        pos = me
    pieces.append(text[pos:e])
    line = re.sub(r"\s+", " ", "".join(pieces).replace("\ufffe", "-").replace("\x02", "-")).strip()
    first = s
    while sup and any(ms <= first < me for ms, me in sup) and first < e - 1:
        first += 1  # a mark opening the run is raised: the baseline is its neighbour's
    while text[first] == " " and first < e - 1:
        first += 1
    last = e - 1
    while sup and any(ms <= last < me for ms, me in sup) and last > first:
        last -= 1
    x0, top, _, bottom = p.box(first)
    _, top2, x1, _ = p.box(last)
    return Segment(text=line, top=min(top, top2), bottom=bottom, x0=x0, x1=x1, size=round(size, 1),
                   bold=p.bold(first) and p.bold(last), page=number, only_mark=not line.strip("⁰¹²³⁴⁵⁶⁷⁸⁹* "),
                   run=run)


def _rule_top(page, height: float, width: float) -> Optional[float]:
    """The footnote rule: a short horizontal stroke in the lower half of the page."""
    import pypdfium2.raw as c

    tops = []
    for obj in page.get_objects(filter=(c.FPDF_PAGEOBJ_PATH,), max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        if top - bottom < 2 and 20 < right - left < width * 0.45 and height - top > height * 0.45:
            tops.append(height - top)
    return min(tops) if tops else None


def read_pages(data: bytes, name: str):
    """Yield each page's printed segments, one page in memory at a time."""
    pdf = open_pdf(data, name)
    try:
        for number in range(1, len(pdf) + 1):
            page = pdf[number - 1]
            p = _Page(page)
            try:
                segments = [seg for run, (a, b) in enumerate(_runs(p.text)) for seg in _segments(p, a, b, number, run)]
                yield PrintedPage(number=number, height=p.height, width=p.width, segments=segments,
                                  rule_top=_rule_top(page, p.height, p.width), chars=len(p.text))
            finally:
                p.close()
                page.close()
    finally:
        pdf.close()


def page_count(data: bytes, name: str) -> int:
    pdf = open_pdf(data, name)
    try:
        return len(pdf)
    finally:
        pdf.close()
