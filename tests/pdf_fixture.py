"""Render a parsed document as a UN-style PDF (needs the ``pdf-fixtures`` extra: reportlab).

Real UN PDFs cannot be fetched here, so the tests and ``cosp bench`` make them from the
seed texts, laid out as the Secretariat prints them: A4, the symbol in a running header,
job number and ``page/pages`` in the footer, a barcode line on the first page,
paragraphs numbered at the margin, bold headings, footnotes in a smaller font under a
short rule at the bottom of the page whose text carries their raised marks.

``real_traits=True`` prints what real ODS PDFs do and the first generator did not, where the
old reader failed: justified lines whose words are placed one by one with wide gaps and no
space characters, front-page lines far apart, and footnotes well above the page bottom.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

from models.document import ParsedDocument, Unit

MARKS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_TO_DIGIT = str.maketrans(MARKS, "0123456789")
PAGE_W, PAGE_H = 595.0, 842.0
LEFT, RIGHT, TOP, BOTTOM = 72.0, 72.0, 80.0, 80.0
BODY, LEAD, GAP = 10.0, 12.0, 8.0
NOTE, NOTE_LEAD = 8.0, 9.5


@dataclass
class Block:
    text: str
    bold: bool = False
    indent: float = 0.0
    keep_lines: list[str] | None = None  # printed line breaks to keep (front matter)


def _printed_prefix(doc: ParsedDocument, unit: Unit) -> str:
    line_start = doc.text.rfind("\n", 0, unit.start) + 1
    return doc.text[line_start:unit.start]


def blocks_of(doc: ParsedDocument) -> tuple[list[Block], dict[str, str]]:
    """The document in reading order as printable blocks, and footnote texts by mark."""
    units = sorted(doc.front + doc.headings + doc.paragraphs + [u for g in doc.guidelines for u in g.paragraphs],
                   key=lambda u: u.start)
    line_items: dict[str, list[Unit]] = {}
    for item in doc.items:
        if item.segments:
            line_items.setdefault(item.parent, []).append(item)
    blocks: list[Block] = []
    for u in units:
        if u.kind == "front":
            blocks.append(Block(u.text, keep_lines=[doc.text[s:e] for s, e in u.segments]))
        elif u.kind in ("heading", "guideline_title"):
            blocks.append(Block(_printed_prefix(doc, u) + u.text if u.kind == "heading" else u.text, bold=True))
        else:
            items = line_items.get(u.at, [])
            lead = u.text
            if items:
                cut = u.text.find(items[0].text)
                lead = u.text[:cut].rstrip() if cut > 0 else u.text
            blocks.append(Block(_printed_prefix(doc, u) + lead))
            blocks.extend(Block(i.text, indent=24.0) for i in items)
    notes = {}
    for fn in doc.footnotes:
        mark = "*" if fn.at == "fn*" else fn.at[2:]
        notes[mark] = fn.text
    return blocks, notes


def _width(word: str, font: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    plain = "".join(ch for ch in word if ch not in MARKS)
    sup = "".join(ch.translate(_TO_DIGIT) for ch in word if ch in MARKS)
    return stringWidth(plain, font, size) + stringWidth(sup, font, size * 0.6)


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, cur, cur_w = [], [], 0.0
    space = stringWidth(" ", font, size)
    for word in text.split():
        w = _width(word, font, size)
        if cur and cur_w + space + w > width:
            lines.append(" ".join(cur))
            cur, cur_w = [], 0.0
        cur_w += (space if cur else 0) + w
        cur.append(word)
    if cur:
        lines.append(" ".join(cur))
    return lines


class _Writer:
    def __init__(self, canvas, symbol: str, job: str, total_pages: int, real_traits: bool = False):
        self.c, self.symbol, self.job, self.total = canvas, symbol, job, total_pages
        self.real = real_traits
        self.notes_lift = 36.0 if real_traits else 0.0  # white space under the footnotes
        self.page = 0
        self.notes_here: list[tuple[str, str]] = []
        self.placed: set[str] = set()
        self._new_page()

    def _new_page(self) -> None:
        if self.page:
            self._finish_page()
        self.page += 1
        self.y = PAGE_H - TOP
        self.notes_here = []
        c = self.c
        c.setFont("Helvetica-Bold" if self.page == 1 else "Helvetica", 12 if self.page == 1 else 9)
        if self.page == 1:
            c.drawString(LEFT, PAGE_H - 45, "United Nations")
        c.drawRightString(PAGE_W - RIGHT, PAGE_H - 45, self.symbol)

    def _notes_height(self, notes) -> float:
        lines = sum(len(_wrap(t, "Times-Roman", NOTE, PAGE_W - LEFT - RIGHT - 12)) for _, t in notes)
        return (lines * NOTE_LEAD + 14 + self.notes_lift) if notes else 0.0

    def _finish_page(self) -> None:
        c = self.c
        if self.notes_here:
            y = BOTTOM + self._notes_height(self.notes_here) - 6
            c.setLineWidth(0.5)
            c.line(LEFT, y + 4, LEFT + 110, y + 4)
            y -= NOTE_LEAD
            for mark, text in self.notes_here:
                c.setFont("Times-Roman", NOTE * 0.7)
                c.drawString(LEFT, y + 2.5, mark)
                for i, line in enumerate(_wrap(text, "Times-Roman", NOTE, PAGE_W - LEFT - RIGHT - 12)):
                    c.setFont("Times-Roman", NOTE)
                    c.drawString(LEFT + 12, y, line)
                    y -= NOTE_LEAD
        c.setFont("Helvetica", 8)
        if self.page == 1:
            c.drawString(LEFT, 40, f"{self.job} (E)    *{re.sub(r'[^0-9]', '', self.job)}*")
        else:
            c.drawString(LEFT, 40, self.job)
            c.drawRightString(PAGE_W - RIGHT, 40, f"{self.page}/{self.total}")
        c.showPage()

    def _line(self, text: str, font: str, x: float, justify: float = 0.0) -> None:
        c = self.c
        if justify:
            return self._justified(text, font, x, justify)
        for part in re.split(f"([{MARKS}]+)", text):
            if not part:
                continue
            if part[0] in MARKS:
                c.setFont(font, BODY * 0.6)
                c.drawString(x, self.y + 3.5, part.translate(_TO_DIGIT))
                x += _width(part, font, BODY)
            else:
                c.setFont(font, BODY)
                c.drawString(x, self.y, part)
                from reportlab.pdfbase.pdfmetrics import stringWidth

                x += stringWidth(part, font, BODY)

    def _justified(self, text: str, font: str, x: float, width: float) -> None:
        """Word by word, the gaps stretched to fill the line: no space characters at all."""
        words = text.split()
        natural = sum(_width(w, font, BODY) for w in words)
        gap = (width - natural) / max(1, len(words) - 1)
        for w in words:
            self._line(w, font, x)
            x += _width(w, font, BODY) + gap

    def block(self, block: Block, notes: dict[str, str]) -> None:
        font = "Times-Bold" if block.bold else "Times-Roman"
        width = PAGE_W - LEFT - RIGHT - block.indent
        printed = []
        for raw in (block.keep_lines or [block.text]):
            printed.extend(_wrap(raw, font, BODY, width))
        for line in printed:
            marks = [m.translate(_TO_DIGIT) for m in re.findall(f"[{MARKS}]+", line)]
            if line.rstrip().endswith("*"):
                marks.append("*")
            new = [(m, notes[m]) for m in marks if m in notes and m not in self.placed]
            need = self._notes_height(self.notes_here + new)
            if self.y - LEAD < BOTTOM + need:
                self._new_page()
                need = self._notes_height(new)
            last = line is printed[-1]
            stretch = width if self.real and not last and not block.keep_lines and len(line.split()) > 4 else 0.0
            self._line(line, font, LEFT + block.indent, stretch)
            self.y -= LEAD
            for m, t in new:
                self.placed.add(m)
                self.notes_here.append((m, t))
        self.y -= GAP * (3 if self.real and block.keep_lines else 1)  # front-page fields far apart

    def close(self, notes: dict[str, str]) -> None:
        left = [(m, t) for m, t in notes.items() if m not in self.placed]
        self.notes_here.extend(left)
        self._finish_page()


def render_pdf(doc: ParsedDocument, symbol: str | None = None, job: str = "V.18-02212",
               real_traits: bool = False) -> bytes:
    """The document as PDF bytes (two passes: the first counts pages for the footer)."""
    from reportlab.pdfgen.canvas import Canvas

    symbol = symbol or doc.meta.symbol or ""
    blocks, notes = blocks_of(doc)
    total = 0
    for _ in range(2):
        buf = io.BytesIO()
        canvas = Canvas(buf, pagesize=(PAGE_W, PAGE_H), invariant=1)
        writer = _Writer(canvas, symbol, job, total, real_traits)
        for b in blocks:
            writer.block(b, notes)
        writer.close(notes)
        canvas.save()
        total = writer.page
    return buf.getvalue()
