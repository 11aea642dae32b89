"""Find the resolutions a document holds, and give their parts stable addresses.

A resolution's text is the same whatever prints it (a standalone resolution, chapter I of
a session report holding fourteen, a General Assembly resolution, a draft, a web page
quoting one): an optional heading that names it ("Resolution 8/9", "74/276. Title",
"Draft resolution submitted by ..."), a title, the issuer line ("The General Assembly,"),
unnumbered preambular paragraphs, then operative paragraphs numbered from 1.  The issuer
line is what makes a resolution: :func:`find_openings` looks for it first and reads the
heading and title from the few lines before it, so a table of contents listing
"3/1. Review mechanism" is not mistaken for the resolution.

The structure parser (``extract/structure.py``) asks this module where resolutions start
and end and how to address their paragraphs; :func:`resolution_records` then gathers the
parsed units into :class:`models.resolutions.Resolution` records.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from extract import operative_verbs
from extract.language import packs
from extract.resources import load_yaml
from models.document import Unit
from models.resolutions import Resolution, ResolutionPart
from models.source import Line


REPEATS = ("bis", "ter", "quater", "quinquies")  # a printed number repeated: 1, 1bis, 1ter


@lru_cache(maxsize=1)
def rules() -> dict:
    data = load_yaml("resolutions.yaml")
    english = {_plain(k): v for k, v in data["issuer_names"].items()}
    packed: dict[str, str] = {}
    annexes, openers = [], [data["preamble_openers"]]
    for p in packs().values():
        part = p.get("resolutions") or {}
        if part.get("preamble_openers"):
            openers.append("^" + part["preamble_openers"])
        packed.update({_plain(k): v for k, v in (part.get("issuers") or {}).items()})
        if part.get("annex"):
            annexes.append(part["annex"])
    ends = data["ends"] + ("|^(?:" + "|".join(annexes) + r")\s*$" if annexes else "")

    def alternation(names: dict) -> str:
        return "|".join(_flexible(n) for n in sorted(names, key=len, reverse=True))
    return {
        "issuer": [re.compile(data["issuer"].replace("{issuers}", alternation(english))),
                   re.compile(data["issuer_packed"].replace("{issuers}", alternation(packed)))],
        "issuer_names": english | packed,
        "issuers": data["issuers"],
        "headings": {k: re.compile(v) for k, v in data["headings"].items()},
        "lookback": data["lookback"],
        "ends": re.compile(ends),
        "opener": re.compile("|".join(openers)),
        "verb": re.compile(data["opening_verb"]),
        "operative": re.compile(data["operative_openers"]),
    }


def _plain(name: str) -> str:
    """An issuer name compared as printed, whatever its spaces, apostrophes and dashes."""
    return re.sub(r"\s+", " ", name.replace("'", "’").replace("–", "-").replace(" - ", "-")).strip()


def _flexible(name: str) -> str:
    out = re.escape(name).replace("’", "['’]").replace(r"\-", r"\s?[-–]\s?").replace(r"\ ", r"\s+")
    return out


def issuer_line(text: str) -> Optional[re.Match]:
    """The issuer line's match (groups ``body``, as printed, and ``rest``), in any language."""
    for rx in rules()["issuer"]:
        m = rx.match(text)
        if m:
            return m
    return None


def issuer_of(printed: str) -> str:
    return rules()["issuer_names"][_plain(printed)]


@dataclass
class Opening:
    """Where a resolution starts: its issuer line and what the lines before it say."""

    issuer_line: int  # index into the source's lines
    issuer: str
    body: str
    id: Optional[str] = None
    number: Optional[str] = None  # "8/9" as printed
    title: Optional[str] = None
    draft: bool = False
    rest: Optional[str] = None  # preamble text printed on the issuer line itself
    key: str = ""
    heading_lines: tuple[int, ...] = ()  # the lines that name it (heading, title), above the issuer line


def canonical_id(issuer: str, number: str) -> str:
    template = rules()["issuers"].get(issuer, {}).get("id", "{n}")
    return template.format(n=number)


def find_openings(lines: list[Line]) -> list[Opening]:
    """Every resolution text in ``lines``, in order."""
    r = rules()
    out: list[Opening] = []
    for i, line in enumerate(lines):
        m = issuer_line(line.text)
        if not m:
            continue
        issuer = issuer_of(m.group("body"))
        op = Opening(issuer_line=i, issuer=issuer, body=r["issuers"][issuer]["body"], rest=m.group("rest"))
        _read_heading(lines, i, op)
        out.append(op)
    out = sorted(out + _bare_headings(lines, out), key=lambda op: op.heading_lines[0] if op.issuer_line < 0
                 else op.issuer_line)
    for k, op in enumerate(out, 1):
        op.key = op.id or f"r{k}"
    return out


def _bare_headings(lines: list[Line], openings: list[Opening]) -> list[Opening]:
    """"Resolution 8/1" and its title with no text under them (the next heading follows): kept as
    a resolution without parts, so the record exists and the gap is flagged, never merged into
    the next resolution.  Only after the first resolution's heading, or right before another
    resolution's heading: a table of contents further up is not a resolution."""
    if not openings:
        return []
    r = rules()
    used = {i for op in openings for i in op.heading_lines} | {op.issuer_line for op in openings}
    starts = sorted(min(op.heading_lines or (op.issuer_line,)) for op in openings)
    out = []
    for i, line in enumerate(lines):
        m = r["headings"]["numbered"].match(line.text.strip())
        if not m or i in used or line.footnote_zone:
            continue
        following = [j for j in range(i + 1, min(len(lines), i + 6)) if lines[j].text.strip()]
        next_heading = next((j for j in following[1:3] if j in used or r["headings"]["numbered"].match(
            lines[j].text.strip())), None)
        if i < starts[0] and next_heading is None:
            continue
        nearest = min(openings, key=lambda op: abs(op.issuer_line - i))
        title = lines[following[0]].text.strip() if following and following[0] != next_heading and not issuer_line(
            lines[following[0]].text) else None
        op = Opening(issuer_line=-1, issuer=nearest.issuer, body=nearest.body, number=m.group("n"), title=title,
                     heading_lines=(i,) + ((following[0],) if title else ()))
        op.id = canonical_id(op.issuer, op.number)
        out.append(op)
    return out


def adopt_front_page_id(openings: list[Opening], units: list[Unit], symbol: Optional[str],
                        number: Optional[str], doc_type: Optional[str]) -> None:
    """A document that is one resolution names it on its front page ("51/191." before the
    title, the symbol A/RES/51/191, or a draft's symbol CAC/COSP/2019/L.5)."""
    if len(openings) != 1 or openings[0].id is not None:
        return
    op = openings[0]
    if number:
        op.number, op.id = number, canonical_id(op.issuer, number)
    elif symbol and "/RES/" in symbol:
        op.id = symbol
    elif symbol and re.search(r"/L\.\d+", symbol):
        op.id, op.draft = symbol, True
    if doc_type and re.match(r"(?i)(?:revised\s+)?draft", doc_type):
        op.draft = True
    if op.id:
        old, op.key = op.key, op.id
        for u in units:
            if u.resolution == old:
                u.resolution = op.key


def _read_heading(lines: list[Line], issuer_at: int, op: Opening) -> None:
    """Id, title and draft status from the non-blank lines just above the issuer line."""
    r = rules()
    h = r["headings"]
    above: list[str] = []
    indexes: list[int] = []
    for j in range(issuer_at - 1, -1, -1):
        if len(above) >= r["lookback"]:
            break
        t = lines[j].text.strip()
        if not t or lines[j].footnote_zone:
            continue
        if re.match(r"^\d{1,5}\.\s", t) or issuer_line(t) or (t.endswith((":", ";")) and above):
            break
        above.insert(0, t)
        indexes.insert(0, j)
        if h["numbered"].match(t) or h["number_title"].match(t) or h["cited"].match(t) or h["draft"].match(t) \
                or h["council"].match(t):
            break
    title: list[str] = []
    for t in above:
        m = h["numbered"].match(t) or h["cited"].match(t)
        if m:
            op.number = m.group("n")
            continue
        m = h["number_title"].match(t)
        if m:
            op.number = m.group("n")
            title.append(m.group("title"))
            continue
        m = h["draft"].match(t)
        if m:
            op.draft = True
            continue
        if h["council"].match(t) or h["adoption"].match(t):
            continue
        if t[0].isupper() and not t.endswith((".", ",", ";")) and len(t) < 400:
            title.append(t)
    if op.number:
        op.id = canonical_id(op.issuer, op.number)
    op.heading_lines = tuple(indexes)
    op.title = re.sub(r"\s+", " ", " ".join(title)).strip() or None


def embedded(lines: list[Line], openings: list[Opening]) -> bool:
    """True when the resolutions sit inside another document (a report with numbered
    paragraphs of its own, or several resolutions): their paragraphs then take addresses
    prefixed by the resolution (``8/9/op3``) so the report's own numbering stays valid."""
    if len(openings) != 1:
        return len(openings) > 1
    first = openings[0].issuer_line
    return any(re.match(r"^\d{1,5}\.\s+\S", ln.text) and not ln.footnote_zone for ln in lines[:first])


def opening_verb(text: str) -> Optional[str]:
    m = rules()["verb"].match(text)
    return m.group(0) if m else None


def starts_operative(text: str) -> bool:
    """An operative paragraph printed without its number ("- Also decides that ...")."""
    return bool(rules()["operative"].match(text))


def starts_preamble(text: str) -> bool:
    return bool(rules()["opener"].match(text))


def ends_resolution(text: str) -> bool:
    return bool(rules()["ends"].match(text))


def resolution_records(openings: list[Opening], units: list[Unit], file: str, adopted: Optional[str] = None,
                       spans: Optional[dict[str, tuple[int, int]]] = None, lang: str = "en") -> list[Resolution]:
    """One record per opening, its parts gathered from the units the parser tagged with its key."""
    out = []
    for op in openings:
        mine = sorted((u for u in units if u.resolution == op.key), key=lambda u: u.start)
        start, end = (spans or {}).get(op.key, (mine[0].start, mine[-1].end) if mine else (0, 0))
        res = Resolution(key=op.key, id=op.id, issuer=op.issuer, body=op.body, start=start, end=end, title=op.title,
                         draft=op.draft, adopted=adopted if len(openings) == 1 else None,
                         session=_session(op.number))
        base = op.id or op.key
        pp = 0
        for u in mine:
            if u.kind == "preamble":
                pp += 1
                address, kind = f"{base}/pp{pp}", "preambular"
            else:
                local = re.sub(r"^(?:.*/)?op", "", u.at)
                address, kind = f"{base}/op{local}", "item" if u.kind == "item" else "operative"
            part = ResolutionPart(address=address, kind=kind, at=u.at, text=u.text, start=u.start, end=u.end,
                                  page=u.page)
            if kind == "operative":
                verb = operative_verbs.opening(u.text, lang)
                part.verb, part.lemma = (verb.printed, verb.lemma) if verb else (None, None)
            elif kind == "preambular":
                part.verb = opening_verb(u.text) if lang == "en" else None
            res.parts.append(part)
        where = f"{file}: resolution {op.id or '(no number printed)'}"
        if not mine:
            res.warnings.append(f"{where}: a heading with no text after it" if op.issuer_line < 0
                                else f"{where}: heading and issuer line with no text after them")
        elif not any(p.kind == "operative" for p in res.parts):
            res.warnings.append(f"{where}: the text ends before any operative paragraph (cut in the middle?)")
        numbers = [int(re.search(r"op(\d+)\D*$", p.address).group(1)) for p in res.parts if p.kind == "operative"]
        if numbers and sorted(set(numbers)) != list(range(1, len(set(numbers)) + 1)):
            res.warnings.append(f"{where}: operative paragraphs numbered {numbers[:12]}, not 1 to {len(numbers)}")
        out.append(res)
    return out


def implied_resolution(symbol: Optional[str], body: Optional[str], paragraphs: list[Unit], file: str,
                       lang: str) -> Optional[Resolution]:
    """A page of a resolution without its issuer line (the last page of a web rendering: the
    preamble's end, then "1. Décide ..."): the document's symbol is a resolution's (A/RES/73/191)
    and its numbered paragraphs, from 1, open with operative verbs.  They are that resolution's
    operative paragraphs, with a warning that the issuer line was not printed."""
    if not symbol or "/RES/" not in symbol or not body or not paragraphs or paragraphs[0].at != "1":
        return None
    verbs = [operative_verbs.opening(u.text, lang) for u in paragraphs]
    known = [v for v in verbs if v is not None and v.lemma]
    if len(known) < max(1, len(paragraphs) // 2):
        return None
    res = Resolution(key=symbol, id=symbol, issuer=body, body=body, start=paragraphs[0].start,
                     end=paragraphs[-1].end)
    for u, v in zip(paragraphs, verbs):
        u.resolution = symbol
        res.parts.append(ResolutionPart(address=f"{symbol}/op{u.at}", kind="operative", at=u.at, text=u.text,
                                        start=u.start, end=u.end, page=u.page, verb=v.printed if v else None,
                                        lemma=v.lemma if v else None))
    res.warnings.append(f"{file}: resolution {symbol}: its issuer line is not in the text; numbered paragraphs "
                        "read as its operative paragraphs")
    return res


def implied_preamble(symbol: Optional[str], body: Optional[str], front: list[Unit], file: str,
                     lang: str) -> tuple[Optional[Resolution], list[Unit]]:
    """A page of a resolution's preamble without its issuer line (page 2 of a web rendering,
    its lines run together: "... Convention, Reaffirming ..., Recalling ..., Encouraging States
    parties ... to ..."): the document's symbol is a resolution's and a front block holds at least
    two preambular paragraphs, each opening after a comma with a preamble word.  They become that
    resolution's preambular paragraphs (the text before the first stays front matter), with a
    warning; returns the resolution and the new units."""
    if not symbol or "/RES/" not in symbol or not body:
        return None, []
    cut = re.compile(r"(?<=[,;])\s+(?:\d{1,3}\s+)?(?=" + rules()["opener"].pattern.lstrip("^") + ")")  # a footnote mark may stand before
    for unit in front:
        if len(unit.segments) > 1:
            continue  # offsets inside a unit joined from several lines are not kept piece by piece
        starts = [m.end() for m in cut.finditer(unit.text)]
        if len(starts) < 2:
            continue
        ends = starts[1:] + [len(unit.text)]
        parts, units = [], []
        for n, (a, b) in enumerate(zip(starts, ends), start=1):
            piece = unit.text[a:b].rstrip()
            u = Unit(at=f"pp{n}", kind="preamble", text=piece, start=unit.start + a, end=unit.start + a + len(piece),
                     page=unit.page, segments=[(unit.start + a, unit.start + a + len(piece))], resolution=symbol)
            units.append(u)
            parts.append(ResolutionPart(address=f"{symbol}/pp{n}", kind="preambular", at=u.at, text=piece,
                                        start=u.start, end=u.end, page=u.page))
        head = unit.text[:starts[0]].rstrip()
        unit.text, unit.end, unit.segments = head, unit.start + len(head), [(unit.start, unit.start + len(head))]
        res = Resolution(key=symbol, id=symbol, issuer=body, body=body, start=units[0].start, end=units[-1].end,
                         parts=parts)
        res.warnings.append(f"{file}: resolution {symbol}: its issuer line is not in the text; {len(units)} "
                            "paragraphs run together after it read as its preambular paragraphs")
        return res, units
    return None, []


def _session(number: Optional[str]) -> Optional[int]:
    m = re.match(r"^(\d+)/", number or "")
    return int(m.group(1)) if m else None
