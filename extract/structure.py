"""Recover a UN document's structure from typed lines.

One pass over the lines with a small state machine.  The rules follow how UN
documents are printed:

* body paragraphs are numbered 1..N in sequence, so a numbered line whose number is
  not the next one and that reads like a title is a subsection heading (seed 002
  prints ``1. Tools for improving asset recovery ...`` between paragraphs 10 and 11);
* footnote bodies start with their mark (``¹``, ``*``) and are never part of a
  paragraph; text after them that is not a new unit continues the paragraph the page
  break interrupted, whatever its case (``The Group concluded ...`` in seed 000);
* a line that follows another with no blank line between continues it;
* ``Draft guideline N`` opens a guideline block whose paragraphs are addressed
  ``gN.k`` whichever numbering is printed (``2.`` in 2018, ``1.2.`` in 2021).
"""
from __future__ import annotations

import re
from typing import Optional

from extract import resolutions as res_model
from extract.resources import load_yaml
from models.document import Guideline, Unit
from models.source import Line, Source

_LAYOUT = load_yaml("layout.yaml")
FOOTNOTE_MARKS = _LAYOUT["footnote_marks"]
_TO_DIGIT = str.maketrans(FOOTNOTE_MARKS, "0123456789")

ANCHOR_LOOKBACK = 200  # units searched back for a footnote's mark
_FOOTNOTE = re.compile(rf"^([{FOOTNOTE_MARKS}]+|\*{{1,3}})\s*(\S.*)$")
# No ceiling worth the name: 1,000+ paragraphs happen.  Arabic prints "1 - يقرر": the dash form
# only before Arabic letters (an English "2019 - 2020" line is no paragraph).
_NUMBERED = re.compile(r"^(\d{1,5})(?:\.\s+|\s?[-–]\s+(?=[\u0600-\u06FF]))(\S.*)$")
_CLAUSE_ENDS = (",", ";", ":", "，", "；", "：", "،", "؛")  # a preambular paragraph ends with one: the next may open
_STOPS = (".", "。")
_GUIDE_NUM = re.compile(r"^(\d{1,2})\.(\d{1,2})\.?\s+(\S.*)$")
_ITEM = re.compile(r"^\(([a-z]{1,2})\)\s+(\S.*)$")
# Paragraphs numbered within a section ("16.1 The United Nations Office ...", a budget fascicle).
_DECIMAL = re.compile(r"^(\d{1,2})\.(\d{1,3})\s+([A-Z“\"(].*)$")
_GUIDE_HEAD = re.compile(_LAYOUT["guideline_heading"])
_ROMAN = re.compile(_LAYOUT["roman_heading"])
_LETTER = re.compile(_LAYOUT["letter_heading"])
_ANNEX = re.compile(_LAYOUT["annex_heading"])
# "(a) " at the start or after a space (": (a)", "; and (b)" too): the "(" first, so re jumps to it
_INLINE_ITEM = re.compile(r"\((?<!\S\()([a-z])\)\s")


def heading_like(text: str) -> bool:
    """Short, capitalised, and not ending like a sentence: a title, not body text."""
    t = text.strip()
    return bool(t) and len(t) <= 320 and (t[0].isupper() or t[0].isdigit()) and t[-1] not in ".;:,"


def sentence_like(text: str) -> bool:
    t = text.strip()
    return bool(t) and (t[-1] in ".;:" or len(t) > 320)


def _decimal_prefix(lines: list[Line]) -> Optional[str]:
    """The section number when the body's paragraphs run N.1, N.2, N.3 ... (at least three)."""
    seen: dict[str, list[int]] = {}
    for ln in lines:
        m = _DECIMAL.match(ln.text)
        if m and not ln.footnote_zone:
            seen.setdefault(m.group(1), []).append(int(m.group(2)))
    for prefix, ks in seen.items():
        if ks[:3] == [1, 2, 3]:
            return prefix
    return None


def _join(text: str, line: str) -> str:
    """A unit's text and its next printed line: a word broken at a hyphen ("money-" "laundering",
    "zero -" "tolerance") stays one word."""
    if not text:
        return line
    if text.endswith("-") and line[:1].islower() and text[-2:-1].isalpha():
        return text + line
    if text.endswith(" -") and line[:1].islower():
        return text[:-2] + "-" + line
    return f"{text} {line}"


class _Builder:
    def __init__(self, source: Source):
        self.source = source
        self.front: list[Unit] = []
        self.headings: list[Unit] = []
        self.paragraphs: list[Unit] = []
        self.items: list[Unit] = []
        self.footnotes: list[Unit] = []
        self.guidelines: list[Guideline] = []
        self.warnings: list[str] = []
        self.in_front = True
        self.expected = 1
        self.current: Optional[Unit] = None  # the unit an adjacent line continues
        self.body: Optional[Unit] = None  # the paragraph, item or guideline paragraph a page break interrupted
        self.guideline: Optional[Guideline] = None
        self.title_pending = False
        self.section: Optional[str] = None
        self.prev_blank = True
        self.last_anchor: Optional[str] = None
        # Resolution texts (extract/resolutions.py): where they open, and the one being read.
        self.openings = res_model.find_openings(source.lines)
        self.opening_at = {op.issuer_line: op for op in self.openings}
        self.heading_lines = {i for op in self.openings for i in op.heading_lines}
        self.embedded = res_model.embedded(source.lines, self.openings)
        self.res: Optional[res_model.Opening] = None
        self.res_spans: dict[str, tuple[int, int]] = {}
        self.saved_expected = 1
        self.preamble: list[Unit] = []
        self.index = -1
        self.lines = source.lines
        self.decimal = _decimal_prefix(source.lines)  # "16" when paragraphs are 16.1, 16.2, ...
        self.expected_decimal = 1

    # -- unit helpers -------------------------------------------------------------
    def _new(self, kind: str, at: str, line: Line, text: Optional[str] = None, **kw) -> Unit:
        text = line.text if text is None else text
        offset = line.start + (len(line.text) - len(text))
        unit = Unit(at=at, kind=kind, text=text, start=offset, end=line.end, page=line.page,
                    segments=[(offset, line.end)], section=self.section, **kw)
        if self.res is not None and kind in ("paragraph", "item", "preamble"):
            unit.resolution = self.res.key
        self.current = unit
        return unit

    def _extend(self, unit: Unit, line: Line) -> None:
        unit.text = _join(unit.text, line.text)
        unit.segments.append((line.start, line.end))
        unit.end = line.end
        if unit.kind == "item":
            parent = self._item_parent(unit)
            if parent is not None and parent.end < line.end:
                self._extend(parent, line)
        if unit.kind == "heading":
            unit.at = unit.text
        self.current = unit

    def _item_parent(self, item: Unit) -> Optional[Unit]:
        pool = self.paragraphs if self.guideline is None else self.guideline.paragraphs
        for unit in reversed(pool):
            if unit.at == item.parent:
                return unit
        return None

    # -- line handlers ------------------------------------------------------------
    def feed(self, line: Line) -> None:
        self.index += 1
        text = line.text
        if self.index in self.opening_at:
            self._open_resolution(self.opening_at[self.index], line)
            return
        if self.res is not None and text and not line.footnote_zone and res_model.ends_resolution(text):
            self._close_resolution(line.start)
        if line.rule or not text:
            self.prev_blank = True
            if line.rule:
                self.current = None
            return
        adjacent = not self.prev_blank
        self.prev_blank = False

        m = _FOOTNOTE.match(text)
        if m and not line.heading and self._footnote_in_sequence(m.group(1)):
            self._footnote(line, m)
            return
        if line.footnote_zone and self.footnotes:
            self._extend(self.footnotes[-1], line)  # a footnote going on (its next line, or under the next page's rule)
            return
        if self.in_front:
            if self._starts_body(line):
                self.in_front = False
            else:
                self._front(line, adjacent)
                return
        if _GUIDE_HEAD.match(text):
            self._guideline_start(line, int(_GUIDE_HEAD.match(text).group(1)))
            return
        if self.title_pending and not _NUMBERED.match(text) and not _GUIDE_NUM.match(text) and not _ITEM.match(text):
            if self.guideline.title is None or adjacent:
                self._guideline_title(line)
                return
        self.title_pending = False
        if self._explicit_heading(line):
            self._heading(line)
            return
        if self.guideline is not None and self._guideline_paragraph(line):
            return
        if self.index in self.heading_lines and not self.in_front:  # "Resolution 8/9", its title
            self._heading(line)
            return
        if self.res is not None and not _NUMBERED.match(text) and not _ITEM.match(text):
            if self._unnumbered_operative(line):
                return
            if self.expected == 1:
                if not adjacent and self._heading_before_operative(line):
                    self._heading(line)
                else:
                    self._preamble(line, adjacent)
                return
        if self.decimal is not None:
            m = _DECIMAL.match(text)
            if m and m.group(1) == self.decimal and self._decimal_paragraph(line, int(m.group(2)), m.group(3)):
                return
        m = _NUMBERED.match(text) if self.decimal is None else None  # plain numbers there are table rows
        if m and self._numbered(line, int(m.group(1)), m.group(2)):
            return
        m = _ITEM.match(text)
        if m and self.body is not None:
            self._item(line, m.group(1), m.group(2))
            return
        self._continuation(line, adjacent)

    # -- resolution texts -----------------------------------------------------------
    def _open_resolution(self, op: res_model.Opening, line: Line) -> None:
        """The issuer line: operative numbering starts again at 1, the report's is kept aside."""
        if self.res is not None:
            self._close_resolution(line.start)
        else:
            self.saved_expected = self.expected
        self.res, self.expected, self.in_front = op, 1, False
        self.res_spans[op.key] = (line.start, line.end)
        self.current, self.body, self.prev_blank = None, None, False
        if op.rest:
            self.preamble.append(self._new("preamble", self._pp_address(), line, text=op.rest))

    def _close_resolution(self, at: int) -> None:
        start, _ = self.res_spans[self.res.key]
        self.res_spans[self.res.key] = (start, max(at - 1, start))
        self.res, self.expected, self.current, self.body = None, self.saved_expected, None, None

    def _unnumbered_operative(self, line: Line) -> bool:
        """"- Also decides that ...": an operative paragraph printed without its number."""
        cur = self.current
        if not res_model.starts_operative(line.text) or not line.text.lstrip("-–•* ")[:1].isupper() or (cur is not None and cur.resolution == self.res.key
                                                          and not cur.text.rstrip().endswith((",", ";", ".", ":"))):
            return False
        n = self.expected
        self.warnings.append(f"operative paragraph {n} of resolution {self.res.id or self.res.key} printed without "
                             f"its number (line {self.index + 1}): numbered in order")
        text = re.sub(r"^[-–•]\s*", "", line.text)
        # Not a printed number: the address says so ("op2"), and is the resolution's own in a report.
        unit = self._new("paragraph", self._res_at(f"op{n}"), line, text=text)
        self.paragraphs.append(unit)
        self.body, self.expected = unit, n + 1
        return True

    def _res_at(self, local: str) -> str:
        """A part's address in the document: its resolution's own in a report (``8/9/op3``), else bare."""
        return f"{self.res.key}/{local}" if self.embedded else local

    def _pp_address(self) -> str:
        return self._res_at(f"pp{1 + sum(1 for u in self.preamble if u.resolution == self.res.key)}")

    def _heading_before_operative(self, line: Line) -> bool:
        """A section heading between the preamble and operative paragraph 1 ("Prevention of Illicit
        Exports of Petroleum"): a short line (after a blank one), no closing punctuation, after a
        preambular paragraph that ended its clause, with paragraph 1 next."""
        text = line.text.rstrip()
        last = self.preamble[-1] if self.preamble and self.preamble[-1].resolution == self.res.key else None
        if (len(text) > 200 or text.endswith(_CLAUSE_ENDS + _STOPS) or res_model.starts_preamble(text)
                or text[:1].islower() or last is None or self.current is not last
                or not last.text.rstrip().endswith(_CLAUSE_ENDS)):
            return False
        nxt = next((ln for ln in self.lines[self.index + 1:self.index + 4] if ln.text.strip()), None)
        m = _NUMBERED.match(nxt.text) if nxt is not None else None
        return bool(m and m.group(1) == "1")

    def _preamble(self, line: Line, adjacent: bool) -> None:
        """Unnumbered paragraphs between the issuer line and operative paragraph 1."""
        cur = self.current if self.current is not None and self.current.kind == "preamble" else None
        last = self.preamble[-1] if self.preamble and self.preamble[-1].resolution == self.res.key else None
        if cur is None and last is not None and not adjacent:
            cur = last  # across a page break (footnotes between): the paragraph may go on
        ended = re.sub(rf"(?:\s*\[\d+\]|\s+\d{{1,2}}|[{FOOTNOTE_MARKS}]+)+$", "", cur.text.rstrip()) if cur else ""
        # A lower-case line goes on the paragraph (a page break cut it), unless it opens one: Russian
        # preambular paragraphs open in lower case ("ссылаясь на ..."). A paragraph whose clause did
        # not end (its comma missing) goes on across a page break, not across a printed paragraph
        # break before a line that opens one.
        opens = res_model.starts_preamble(line.text)
        goes_on = (not ended.endswith(_CLAUSE_ENDS + _STOPS) and (line.page_break or not opens)) or (
            line.text[:1].islower() and not opens)
        if adjacent:
            new = cur is None or (opens and ended.endswith(_CLAUSE_ENDS))
        else:
            new = cur is None or not goes_on
        if new:
            self.preamble.append(self._new("preamble", self._pp_address(), line))
        else:
            self._extend(cur, line)

    def _starts_body(self, line: Line) -> bool:
        m = _NUMBERED.match(line.text)
        d = _DECIMAL.match(line.text) if self.decimal else None
        return bool(_ROMAN.match(line.text) or (m and m.group(1) == "1") or _GUIDE_HEAD.match(line.text)
                    or (d and d.group(1) == self.decimal and d.group(2) == "1"))

    def _front(self, line: Line, adjacent: bool) -> None:
        if adjacent and self.current is not None and self.current.kind == "front" and not line.heading:
            self._extend(self.current, line)
        else:
            self.front.append(self._new("front", "front", line))

    def _footnote_in_sequence(self, mark: str) -> bool:
        """Footnotes are numbered in order through the document: a number far past the next one
        ("32" after footnote 3) is a figure that opens a table row under a drawn line."""
        if mark.startswith("*"):
            return True
        n = int(mark.translate(_TO_DIGIT))
        last = max((int(f.at[2:]) for f in self.footnotes[-3:] if not f.at.startswith("fn*")), default=0)
        return n <= last + 10

    def _footnote(self, line: Line, m: re.Match) -> None:
        mark = m.group(1)
        at = f"fn{mark}" if mark.startswith("*") else f"fn{int(mark.translate(_TO_DIGIT))}"
        unit = self._new("footnote", at, line, text=m.group(2))
        unit.anchor = self._anchor_of(mark)
        self.footnotes.append(unit)

    def _anchor_of(self, mark: str) -> Optional[str]:
        """The address of the last unit that printed this footnote mark."""
        if mark.startswith("*"):
            return "front"
        pattern = re.compile(rf"(?<![{FOOTNOTE_MARKS}]){re.escape(mark)}(?![{FOOTNOTE_MARKS}])")
        pools = [self.paragraphs, self.headings, self.front]
        if self.guideline is not None:
            pools.insert(0, self.guideline.paragraphs)
        best: Optional[Unit] = None
        for pool in pools:
            # The last unit of each pool that prints the mark: search from the end (a footnote's
            # mark is near it), which keeps a long document linear, not units x footnotes.
            for unit in reversed(pool[-ANCHOR_LOOKBACK:]):
                if best is not None and unit.start <= best.start:
                    break
                if pattern.search(unit.text):
                    best = unit
                    break
        return best.at if best else None

    def _explicit_heading(self, line: Line) -> bool:
        t = line.text
        if line.heading:
            return True
        if _ROMAN.match(t) or _ANNEX.match(t):
            return True
        if _LETTER.match(t) and heading_like(t):
            return True
        return line.bold and heading_like(t)

    def _heading(self, line: Line) -> None:
        t = line.text
        if self.guideline is not None and (line.heading or _ROMAN.match(t) or _ANNEX.match(t)):
            self.guideline = None
        level = line.heading or (1 if _ROMAN.match(t) or _ANNEX.match(t) else 2 if _LETTER.match(t) else 3)
        unit = self._new("heading", t, line, level=level)
        unit.section = None
        self.headings.append(unit)
        self.section = t
        self.body = None if self.guideline is None else self.body

    def _guideline_start(self, line: Line, number: int) -> None:
        self.guideline = Guideline(number=number, title=None)
        self.guidelines.append(self.guideline)
        self.title_pending = True
        self.body = None
        unit = self._new("heading", line.text, line, level=4)
        self.headings.append(unit)

    def _guideline_title(self, line: Line) -> None:
        g = self.guideline
        if g.title is None:
            unit = self._new("guideline_title", f"g{g.number}.title", line, parent=f"g{g.number}")
            g.paragraphs.append(unit)
        else:
            title_unit = next(u for u in g.paragraphs if u.kind == "guideline_title")
            self._extend(title_unit, line)
        g.title = next(u for u in g.paragraphs if u.kind == "guideline_title").text

    def _guideline_paragraph(self, line: Line) -> bool:
        g = self.guideline
        m = _GUIDE_NUM.match(line.text)
        if m and int(m.group(1)) == g.number:
            k, text = int(m.group(2)), m.group(3)
        else:
            m = _NUMBERED.match(line.text)
            if not m:
                return False
            k, text = int(m.group(1)), m.group(2)
        unit = self._new("guideline_paragraph", f"g{g.number}.{k}", line, text=text, parent=f"g{g.number}")
        g.paragraphs.append(unit)
        self.body = unit
        return True

    def _numbered(self, line: Line, n: int, text: str) -> bool:
        if self.res is not None and n == self.expected - 1 and n > 0 and res_model.starts_operative(text):
            return self._repeated(line, n, text)
        if n == self.expected or (self.expected < n <= self.expected + 5 and not heading_like(line.text)):
            at = self._res_at(f"op{n}") if self.res is not None and self.embedded else str(n)
            if n != self.expected:
                where = f" in resolution {self.res.id or self.res.key}" if self.res is not None else ""
                self.warnings.append(f"paragraph numbers jump from {self.expected - 1} to {n}{where} (line {self.index + 1})")
            unit = self._new("paragraph", at, line, text=text)
            self.paragraphs.append(unit)
            self.body = unit
            self.expected = n + 1
            return True
        if heading_like(line.text):
            self._heading(line)
            return True
        return False

    def _decimal_paragraph(self, line: Line, k: int, text: str) -> bool:
        if not (self.expected_decimal <= k <= self.expected_decimal + 5):
            return False
        if k != self.expected_decimal:
            self.warnings.append(f"paragraph numbers jump from {self.decimal}.{self.expected_decimal - 1} to "
                                 f"{self.decimal}.{k} (line {self.index + 1})")
        unit = self._new("paragraph", f"{self.decimal}.{k}", line, text=text)
        self.paragraphs.append(unit)
        self.body = unit
        self.expected_decimal = k + 1
        return True

    def _repeated(self, line: Line, n: int, text: str) -> bool:
        """A resolution printing a number twice ("1. Requests ...;" "1. Urges ...;") keeps both
        paragraphs: the second is ``1bis`` (the drafters' own way to insert a paragraph), then ``1ter``."""
        taken = {u.at for u in self.paragraphs}
        for suffix in res_model.REPEATS:
            local = f"op{n}{suffix}"
            at = self._res_at(local) if self.embedded else f"{n}{suffix}"
            if at not in taken:
                break
        self.warnings.append(f"paragraph number {n} printed again in resolution {self.res.id or self.res.key} "
                             f"(line {self.index + 1}): kept as paragraph {n} {suffix}")
        unit = self._new("paragraph", at, line, text=text)
        self.paragraphs.append(unit)
        self.body = unit
        return True

    def _item(self, line: Line, letter: str, text: str) -> None:
        parent = self.body if self.body.kind != "item" else self._item_parent(self.body)
        if parent is None:
            self._continuation(line, False)
            return
        self._extend(parent, line)
        unit = self._new("item", f"{parent.at}({letter})", line, parent=parent.at)
        self.items.append(unit)
        self.body = unit

    def _block_text(self) -> str:
        """The text of the block the current line opens: it and the lines right after it."""
        out = []
        for ln in self.lines[self.index:]:
            if not ln.text or ln.rule or (out and ln.footnote_zone):
                break
            out.append(ln.text)
        return " ".join(out)

    def _continuation(self, line: Line, adjacent: bool) -> None:
        t = line.text
        if adjacent and self.current is not None and self.current.kind not in ("front",):
            self._extend(self.current, line)
            return
        starts_low = t[0].islower() or t[0] in "(,;–—-"
        t = self._block_text()  # a block's first printed line alone may look like a heading
        g = self.guideline
        if g is not None and g.title is not None and not any(u.kind == "guideline_paragraph" for u in g.paragraphs):
            unit = self._new("guideline_paragraph", f"g{g.number}.1", line, parent=f"g{g.number}")
            g.paragraphs.append(unit)
            self.body = unit
            return
        if self.body is not None and (starts_low or sentence_like(t) or not heading_like(t)):
            self._extend(self.body, line)
            return
        if heading_like(t):
            self._heading(line)
            return
        # Unnumbered body text with nothing to continue: keep it, addressed by its section.
        unit = self._new("heading", line.text, line, level=9)
        self.headings.append(unit)


def split_inline_items(paragraph: Unit) -> list[Unit]:
    """``... functions: (a) assist it ...; (b) assist it ...`` gives items ``N(a)``, ``N(b)``."""
    text = paragraph.text
    marks = []
    expect = "a"
    for m in _INLINE_ITEM.finditer(text):
        if m.group(1) == expect:
            if expect == "a" and not re.search(r"[:—–-]\s*$|^\s*$", text[max(0, m.start() - 3):m.start()]):
                continue
            marks.append(m)
            expect = chr(ord(expect) + 1)
    if len(marks) < 2:
        return []
    items = []
    for i, m in enumerate(marks):
        start = m.start()
        if i + 1 < len(marks):
            end = marks[i + 1].start()
        else:
            tail = re.search(r"[.;](?=\s+[A-Z])", text[m.end():])
            end = m.end() + tail.end() if tail else len(text)
        body = text[start:end].rstrip()
        s, e = paragraph.doc_offset(start), paragraph.doc_offset(start + len(body))
        items.append(Unit(at=f"{paragraph.at}({m.group(1)})", kind="item", text=body, start=s, end=e,
                          page=paragraph.page, segments=[], parent=paragraph.at, section=paragraph.section,
                          resolution=paragraph.resolution))
    return items


def parse_structure(source: Source) -> _Builder:
    """Run the state machine over a source's lines; the builder holds the units."""
    builder = _Builder(source)
    for line in source.lines:
        builder.feed(line)
    if builder.res is not None:
        builder._close_resolution(source.lines[-1].end + 1 if source.lines else 0)
    with_items = {u.parent for u in builder.items}
    for p in builder.paragraphs:
        if p.at not in with_items:
            builder.items.extend(split_inline_items(p))
    builder.items.sort(key=lambda u: u.start)
    return builder
