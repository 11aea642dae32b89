"""Repair text that other tools extracted from UN PDFs before the structure parser sees it.

Third-party extractions (document-sharing sites, ``pdftotext -layout``, copy and paste)
bring the same kinds of damage again and again; each repair below undoes one:

* web-page chrome around the document ("Download as pdf or txt", site titles, counts);
* running headers and job numbers inline (``V.19-09617 (E) 031019 041019 *1909617*``,
  ``CAC/COSP/2019/5 2/14``) and table-of-contents dot leaders;
* the two-column front page read across (``... Parties Distr.: General``);
* several numbered paragraphs run together on one line (``... corruption. 2. In the
  same resolution, ...``), split only where the next number in sequence follows;
* layout-preserving indentation, one token per line, ``open -ended`` hyphens.

Only text that :func:`looks_noisy` flags is repaired, so clean conversions pass as they are.
"""
from __future__ import annotations

import re
from collections import Counter

from extract.resources import load_yaml

_N = load_yaml("noise.yaml")
_CHROME = [re.compile(p, re.I) for p in _N["chrome_lines"]]
_INLINE_DROP = [re.compile(p) for p in _N["inline_drop"]]
def _pack_splits() -> list[str]:
    """Where the language packs cut a front page read as one line (their masthead, session,
    agenda and type lines): a French or Russian transcript is cut as an English one is."""
    from extract.language import packs

    return [p for pack in packs().values() for p in pack.get("noise", {}).get("front_split_before", [])]


_FRONT_SPLIT = [re.compile(p) for p in _N["front_split_before"] + _pack_splits()]
_RIGHT_COLUMN = [re.compile(p) for p in _N["right_column"]]
_DOT_LEADER = re.compile(r"(?:\s?\.){4,}\s*")
_HAS_LEADER = re.compile(r"\.(?:\s?\.){3,}")  # where _DOT_LEADER matches, found 10x faster (a literal first)
_SPLIT_HYPHEN = re.compile(r" -(?<=[a-z] -)(?:(?=[a-z])| (?=[a-z]+\b))")  # "open -ended", "open - ended"
_ROMAN = re.compile(r"(?<=\s)((?:I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)\.)\s+(?=[A-ZÀ-ÖØ-ÞА-Я][a-zà-öø-ÿа-я])")  # a word, not "V.17-08296"
_LONE_LABEL = re.compile(r"^(?:[IVX]+\.|[A-Z]\.|\d{1,5}\.|\d{1,2}/\d{1,2}\.|\(\w\))$")
_ACROSS = re.compile(r"\S\s+(?:Distr\.|Original)\s*:|(?:Distr\.|Original)\s*:\s*\w+\s+\S")
_RUN_TOGETHER = re.compile(r"^\s*(\d{1,5})\.\s.*?[.;:]\s+(\d{1,5})\.\s+[A-Z]")
_OPEN_END = re.compile(r"\b(?:of|the|for|on|to|by|and|in|with|against|from)$")
_PAGE_NUMBERS = re.compile(r"^(?:\d{1,3}(?:\s*-\s*\d{1,3})?|Page|Paragraphs|Paragraphs Page)$")


_RUNNING_PAGED = [re.compile(p, re.M) for p in _N["running_header_paged"]]
_RUNNING_LINE = re.compile(_N["running_header_line"], re.M)


def running_symbol(raw: str) -> str | None:
    """The symbol a page's running header prints, if any.

    Beside a page number ("CAC/COSP/2019/5 2/14") once is enough; a symbol alone on a line
    must recur (a header on two pages), since a front page prints its symbol once too.
    """
    counts: Counter[str] = Counter(m.group("symbol") for p in _RUNNING_PAGED for m in p.finditer(raw))
    if not counts:
        alone = Counter(m.group("symbol") for m in _RUNNING_LINE.finditer(raw))
        counts = Counter({s: n for s, n in alone.items() if n >= 2})
    return counts.most_common(1)[0][0] if counts else None


def looks_noisy(raw: str) -> bool:
    lines = [ln for ln in raw.split("\n") if ln.strip()]
    if not lines:
        return False
    long_runs = sum(1 for ln in lines if len(ln) > 600 and len(re.findall(r"\s\d{1,3}\.\s+[A-Z]", ln)) >= 2)
    front_across = any(_ACROSS.search(ln) for ln in lines[:40])
    inline_headers = any(p.search(ln) for p in _INLINE_DROP for ln in lines)  # each pattern fast on its own
    tiny = sum(1 for ln in lines if len(ln.split()) <= 1) / len(lines)
    indented = sum(1 for ln in lines if re.match(r"^\s{8,}\S", ln)) / len(lines)
    columns = sum(1 for ln in lines[:40] if _COLUMN_GAP.search(ln.strip())) >= 2
    chrome = any(p.search(ln) for p in _CHROME for ln in lines[:5])
    leaders = sum(1 for ln in lines if _HAS_LEADER.search(ln)) >= 3
    hyphens = bool(_SPLIT_HYPHEN.search(raw))
    run_together = any((m := _RUN_TOGETHER.match(ln)) and int(m.group(2)) == int(m.group(1)) + 1 for ln in lines)
    return bool(long_runs or front_across or columns or inline_headers or tiny > 0.3 or indented > 0.3 or chrome or leaders
                or hyphens or run_together)


def _drop_chrome(lines: list[str]) -> list[str]:
    return [ln for ln in lines if not any(p.search(ln) for p in _CHROME)]


def _split_front(line: str) -> list[str]:
    """Break a front page read as one line at its labelled parts."""
    line = re.sub(r"(provisional agenda)\s*\*\s+", r"\1*\n", line)
    for p in _FRONT_SPLIT:
        # Not inside a sentence: a body's name after "Report on the meeting of the" is the title's.
        line = p.sub(lambda m: m.group(0) if _OPEN_END.search(m.string[max(0, m.start() - 16):m.start()].rstrip())
                     else "\n" + m.group(0).lstrip(), line)
    pieces = [part.strip() for part in line.split("\n") if part.strip()]
    return [x for piece in pieces for x in (piece, "")]


def _two_columns(lines: list[str]) -> list[str]:
    """``Conference of the States Parties Distr.: General`` -> the left column's text, then the right's.

    While consecutive lines carry right-column labels (or continue the left column's
    sentence), the left parts are joined and the right parts held back; both are
    written out, left first, where the two-column region ends.
    """
    out: list[str] = []
    left: list[str] = []
    right: list[str] = []

    def flush():
        if left:
            out.append(" ".join(left))
        out.extend(right)
        left.clear()
        right.clear()

    for ln in lines:
        across = _ACROSS.search(ln)
        if not across:
            continues = left and ln and (ln[0].islower() or left[-1].endswith(("Parties", "Nations")))
            if continues:
                left.append(ln)
                continue
            flush()
            out.append(ln)
            continue
        rest = ln
        for p in _RIGHT_COLUMN:
            for m in p.finditer(ln):
                right.append(m.group(0).strip())
                rest = rest.replace(m.group(0), " ")
        rest = re.sub(r"\s+", " ", rest).strip()
        if rest:
            left.append(rest)
    flush()
    return out


def _split_paragraphs(text: str) -> str:
    """Put run-together numbered paragraphs and roman headings on lines of their own."""
    out = []
    expected = 1
    pos = 0
    for m in re.finditer(r"(?<=\S)\s+(\d{1,5})\.\s+(?=[A-Z“\"])", text):
        n = int(m.group(1))
        after_sentence = text[m.start() - 1] in ".;:\"”)"
        if (n == expected and (after_sentence or n == 1)) or (after_sentence and n == expected + 1):
            out.append(text[pos:m.start()])
            out.append("\n\n")
            pos = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
            expected = n + 1
    out.append(text[pos:])
    text = "".join(out)
    return _ROMAN.sub(lambda m: "\n\n" + m.group(1) + " ", text)


_COLUMN_GAP = re.compile(r"(?<=\S)[ \t]{4,}(?=\S)")


def _layout_columns(lines: list[str], front_lines: int = 40) -> list[str]:
    """``pdftotext -layout`` keeps the front page's two columns side by side with a wide gap:
    write each run of such lines out as the left column's lines, then the right column's."""
    out: list[str] = []
    left: list[str] = []
    right: list[str] = []
    for i, ln in enumerate(lines):
        parts = _COLUMN_GAP.split(ln.strip()) if i < front_lines else [ln]
        if len(parts) == 2 and not _LONE_LABEL.match(parts[0]):  # "1.    Pursuant to ...": a number, then its text
            left.append(parts[0])
            right.append(parts[1])
            continue
        if left or right:
            out.extend(left + [""] + right + [""])
            left, right = [], []
        out.append(ln)
    out.extend(left + [""] + right if left or right else [])
    return out


def denoise(raw: str) -> str:
    lines = [re.sub(r"[ \t]{2,}", " ", ln).strip() for ln in _layout_columns(raw.split("\n"))]
    lines = _drop_chrome(lines)
    cleaned = []
    for ln in lines:
        for p in _INLINE_DROP:
            ln = p.sub(" ", ln)
        ln = _DOT_LEADER.sub(" ", ln)
        ln = _SPLIT_HYPHEN.sub("-", ln)
        ln = re.sub(r"\s{2,}", " ", ln).strip()
        if _PAGE_NUMBERS.match(ln):
            continue
        cleaned.append(ln)
    # One token per line: glue lone labels ("I.", "3/1.") to the line after them.
    glued: list[str] = []
    for ln in cleaned:
        if glued and _LONE_LABEL.match(glued[-1]) and ln:
            glued[-1] = f"{glued[-1]} {ln}"
        else:
            glued.append(ln)
    front: list[str] = []
    in_resolution = False  # a resolution's text has begun: its lines are no front page to cut
    for ln in glued:
        parts = _resolution_parts(ln)
        for part in parts:
            in_resolution = in_resolution or len(parts) > 1 and part is not parts[0]
            if not in_resolution and (len(part) > 200 or re.search(r"\S\s+Distr\.:", part)):
                front.extend(_split_front(part))  # each piece a block of its own
            else:
                front.append(part)
    front = _two_columns(front)
    return "\n".join(_split_paragraphs(block) for block in front)


def _resolution_rules():
    from extract.resolutions import rules

    r = rules()
    issuers = "|".join(sorted((re.escape(k) for k in r["issuers"]), key=len, reverse=True))
    opener = r["opener"].pattern.lstrip("^")
    return (re.compile(rf"(?<=[.:;\w)])\s+(?=(?:Resolution|RESOLUTION)\s+\d{{1,2}}/\d{{1,3}}\s+[A-Z])"),
            re.compile(r"^((?:Resolution|RESOLUTION)\s+\d{1,2}/\d{1,3})\s+"),
            re.compile(rf"\s+(?=The\s+(?:{issuers})\s*,)"),
            re.compile(rf"^(The\s+(?:{issuers})\s*,)\s+"),
            re.compile(rf"(?<=[,;])\s+(?={opener})"))


def _resolution_parts(line: str) -> list[str]:
    """A resolution that a rendering joined into one line, cut back into its printed lines: its
    heading ("Resolution 5/1"), title, issuer line ("The Conference ...,"), each preambular
    paragraph (", Recalling ...") and its operative paragraphs (numbered from 1 again, which
    ``_split_paragraphs`` does per part).  Lines without a resolution are left as they are."""
    if len(line) < 300 or not re.search(r"\bThe\s+[A-Z][\w ]{5,120},\s", line):
        return [line]
    heading, heading_alone, issuer, issuer_alone, preamble = _resolution_rules()
    out: list[str] = []
    for piece in heading.split(line):
        for part in issuer.split(piece):
            m = heading_alone.match(part) or issuer_alone.match(part)
            if m is None:
                out.append(part)
                continue
            out.append(m.group(1))
            rest = part[m.end():]
            first_op = re.search(r"(?<=[,;:])(?:\s+\d{1,2}(?=\s))?\s+1\.\s+[A-Z]", rest)  # a footnote mark may stand before
            head, tail = (rest[:first_op.start()], rest[first_op.start():]) if first_op else (rest, "")
            out += preamble.split(head) if issuer_alone.match(part) else [head]
            if tail.strip():
                out.append(tail.strip())
    return [p.strip() for p in out if p.strip()]
