"""Read a UN document's front page into :class:`DocumentMeta`, with evidence for every field.

A front page is three blocks: the header (organ, symbol, ``Distr.``, date, ``Original``),
the session block (meeting body, session, place and dates, agenda item) and the title
block (agenda title, title, document type).  Renderings of one document disagree about
lines (two columns read across, wide columns, a site transcript that joins everything),
so the reader does not rely on a line order.  Each front block is cut into *labelled
spans*, found by their content with the patterns of ``data/frontpage.yaml``, and the
free text between them; free text then goes to the title block by position:

* nothing before the header counts (site chrome, titles of the hosting page);
* the free text right after the agenda item is the agenda title;
* the title is the free text before the document type (reports, notes) or after it
  (resolutions print their type, then ``79/190.``, then the title);
* the title stops at the first of: a table of contents, the document type, a summary,
  the issuer line that opens a resolution ("The General Assembly,"), a heading.

Every field keeps the span it came from and a confidence; a reading that could be wrong
(an unknown meeting place, a date in another format, a joint or placeholder symbol, a
page in another language) is said in the warnings, naming the field.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from extract.language import ordinals as language_ordinals, pack as language_pack, packs as language_packs
from extract.session_statement import CONFIDENCE, session_statement
from extract.places import known_place, place_after, place_before
from extract.resources import load_yaml
from models.document import DocumentMeta, FieldEvidence, Unit

# Citable CAC/COSP and GA resolution symbols (used by symbol inference and the site).
SYMBOL = re.compile(r"\bCAC/COSP/(?:[A-Z]+(?:\.\d+)?/)?\d{4}/(?:CRP\.|INF\.|L\.)?\d+(?:/(?:Rev|Corr|Add)\.\d+)*\b|\bA/RES/\d+/\d+\b")
_ANCHORED = {"masthead", "symbol", "body", "session", "place_dates", "session_dates", "agenda", "resolution_number", "issuer", "summary",
             "heading", "doc_type", "placeholder_symbol"}
_SECTION = re.compile(r"^Section\s+\d+[A-Z]?\s*\n")
_STOPS = ("contents", "issuer", "summary", "summary_joined", "heading")


@lru_cache(maxsize=1)
def bodies() -> list[dict]:
    """The registered bodies, each with its names by language (``names_by_language``) and all of
    them in one list (``names``)."""
    out = []
    for e in load_yaml("bodies.yaml"):
        by = e["names"] if isinstance(e["names"], dict) else {"en": e["names"]}
        out.append({**e, "names_by_language": by, "names": [n for ns in by.values() for n in ns]})
    return out


@lru_cache(maxsize=1)
def _registry() -> dict[str, dict]:
    return {e["body"]: e for e in bodies()}


def _registry_name(text: str) -> Optional[str]:
    """The registered body a name as printed is (any of its names, case and spacing aside)."""
    words = _words(text)
    return next((e["body"] for e in bodies() for n in e["names"] if _words(n) == words), None)


@lru_cache(maxsize=None)
def _patterns(lang: str = "en") -> dict:
    """The front page's patterns for a language: the English ones (a translation's header often
    prints "Distr.: General ... Original: English"), and the language pack's before them."""
    f = load_yaml("frontpage.yaml")
    ordinal = "|".join(f["ordinals"] + [f"{t}y-{u}" for t in f["tens"] for u in f["units"]]
                       + [f"{t}ieth" for t in f["tens"]] + [f"{t}y" for t in f["tens"]])
    month = "|".join(f["months"])
    block_end = f["block_end"]
    months = {m.lower(): i for i, m in enumerate(f["months"], 1)}

    def rx(p: str, ordinals: str = ordinal, monthly: str = month, ends: str = block_end) -> re.Pattern:
        return re.compile(p.replace("{ordinal}", ordinals).replace("{month}", monthly).replace("{block_end}", ends),
                          re.M)

    def label_set(spec: dict, ordinals: str, monthly: str) -> list[tuple[str, re.Pattern]]:
        # A block ends at a line end or where the body begins: a pack says how its body begins.
        ends = spec.get("block_end", block_end)
        starts = ends.replace(r"[ \t]*$|", r"\Z|")
        labels = [(k, rx(v, ordinals, monthly, ends)) for k, v in spec.get("stops", {}).items()]
        labels += [("doc_type", rx(p, ordinals, monthly, ends)) for p in spec.get("doc_types", [])]
        # A rendering that joined the title block's lines: a type printed between the title and the
        # body's first heading ("... 2016 Addendum I. Introduction") is a type, though not at a line start.
        labels += [("doc_type_joined", rx(p.replace("{block_end}", starts), ordinals, monthly))
                   for p in spec.get("doc_types", []) if "{block_end}" in p and p.startswith("(?P<value>")]
        labels += [(k, rx(v, ordinals, monthly, ends)) for k, v in spec.get("labels", {}).items() if k != "language_other"]
        return labels

    labels: list[tuple[str, re.Pattern]] = []
    dates = [rx(rf"(?P<day>\d{{1,2}})\s+(?P<month>{month})\s+(?P<year>\d{{4}})")]
    reports = [re.compile(f["report_title"])]
    pack = language_pack(lang).get("frontpage") if lang != "en" else None
    if pack:
        names = _month_names(lang)
        months.update({n.lower(): i for n, i in names.items()})
        monthly = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
        pack_ordinals = "|".join(language_ordinals(lang)) or ordinal
        labels += label_set(pack, pack_ordinals, f"(?i:{monthly})")
        dates = [rx(d, pack_ordinals, f"(?i:{monthly})") for d in pack.get("dates", [])] + dates
        if pack.get("report_title"):
            reports.insert(0, re.compile(pack["report_title"]))
    labels += label_set(f, ordinal, month)
    # The version's language printed in the header ("Français", "Russian"), before Original.
    versions = sorted({n for p in language_packs().values() for n in p.get("version_names", [])}, key=len, reverse=True)
    labels.append(("version_line", re.compile(rf"(?:{'|'.join(map(re.escape, versions))})(?=\s+Original\b|[ \t]*$)", re.M)))
    labels.append(("doc_type_suffix", rx(f["title_type_suffix"])))
    labels.append(("placeholder_symbol", rx(f["placeholder_symbol"])))
    labels.append(("symbol", rx(f["symbol"] + rf"(?:{f['joint_dash']}{f['symbol']})*(?![\w/])")))
    for entry in bodies():  # its names in English (headers print them) and in the document's language
        names = sorted({n for code in {"en", lang} for n in entry["names_by_language"].get(code, [])}, key=len,
                       reverse=True)
        if names:
            words = "|".join(r"\s+".join(map(re.escape, n.split())) for n in names)
            labels.append((f"body:{entry['body']}", re.compile(rf"(?i:{words})(?=\s|$|，)", re.M)))
    return {
        "labels": labels,
        "dates": dates,
        "other_dates": [(k, rx(v)) for k, v in f["other_dates"].items()],
        "symbol": rx(f["symbol"]),
        "agenda_note": re.compile(rf"(?P<mark>\*{{0,3}})\s*(?P<symbol>{f['symbol']})(?=[\s.;,]|$)"),
        "language_other": re.compile(f["labels"]["language_other"]),
        "report_titles": reports,
        "report_title_dated": re.compile(f["report_title_dated"]),
        "report_of_body": re.compile(f["report_of_body"]),
        "session_statement": (rx(f["session_statement"]), int(f["session_statement_reach"])),
        "compilation_title": re.compile(f["compilation_title"]),
        "months": months,
        "lang": lang,
        "place_after": bool((pack or {}).get("place_after")),  # "2011年8月22日至24日，维也纳"
        "version_after": re.compile(rf"[ \t]+(?:{'|'.join(map(re.escape, versions))})\b"),
        # "Items 138 and 139", "Temas 96 a) y 110": two agenda titles follow.
        "second_item": re.compile(rf"(?:\band|{(pack or {}).get('and', 'and')})\s+\d+"),
    }


def _month_names(lang: str) -> dict[str, int]:
    """A language's month names (CLDR, through babel, in the form dates print them) and the
    pack's other spellings (Arabic's Levantine names), each with its number."""
    from babel.dates import get_month_names

    names = {name: i for i, name in get_month_names("wide", context="format", locale=lang).items()}
    names.update(language_pack(lang).get("extra_months", {}))
    return names


@dataclass
class _Token:
    kind: str  # a label kind, "date", or "free"
    text: str
    start: int  # offsets into the normalized document text
    end: int
    groups: dict = field(default_factory=dict)

    def value(self) -> str:
        return re.sub(r"\s+", " ", self.groups.get("value") or self.text).strip()


@dataclass
class FrontPage:
    meta: DocumentMeta
    evidence: list[FieldEvidence] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    resolution_number: Optional[str] = None  # "79/190" printed before a resolution's title
    adopted: Optional[str] = None  # ISO date of "on 17 December 2018" printed with the document type


_NON_SPACE = re.compile(r"\S")


class _Block:
    """The front page's printed lines as one string, with a map back to document offsets.

    One block for the whole front page, not one per unit: renderings split its lines where the
    printed page does not (a two-column header read across puts "Conference of the States
    Parties" and "to the United Nations" on lines of their own, between the date and
    ``Original``), so a label may cross a unit boundary; free text never does (``units``)."""

    def __init__(self, units: list[Unit], text: str):
        self.parts: list[tuple[int, int]] = []  # (position in self.text, document offset)
        self.units: list[int] = []  # where each unit starts in self.text
        pieces, pos = [], 0
        for unit in units:
            self.units.append(pos)
            for s, e in unit.segments or [(unit.start, unit.end)]:
                self.parts.append((pos, s))
                pieces.append(text[s:e])
                pos += e - s + 1
        self.text = "\n".join(pieces)
        self._starts = [p for p, _ in self.parts]
        first = _NON_SPACE.search(self.text)
        self.first = first.start() if first else len(self.text)

    def doc(self, i: int) -> int:
        k = bisect.bisect_right(self._starts, i) - 1
        pos, start = self.parts[max(k, 0)]
        return start + (i - pos) if k >= 0 else start

    def line_start(self, i: int) -> bool:
        return i == 0 or self.text[i - 1] == "\n" or i <= self.first

    def blank(self, a: int, b: int) -> bool:
        """Whether text[a:b] is all whitespace (without copying it: a hostile front block is long)."""
        found = _NON_SPACE.search(self.text, a, b)
        return found is None

    def unit_breaks(self, a: int, b: int) -> list[int]:
        """Where units start strictly inside text[a:b]."""
        lo, hi = bisect.bisect_right(self.units, a), bisect.bisect_left(self.units, b)
        return self.units[lo:hi]


def _tokens(block: _Block, p: dict) -> list[_Token]:
    """Labelled spans and the free text between them, in reading order."""
    text = block.text
    candidates = []
    for order, (kind, rx) in enumerate(p["labels"]):
        for m in rx.finditer(text):
            if m.end() > m.start():
                start, end, groups = m.start(), m.end(), {k: v for k, v in m.groupdict().items() if v}
                if kind == "place_dates":  # the place is what precedes the dates, if it is a known place
                    place = place_before(text, m.start())
                    after = place_after(text, m.end()) if place is None and p["place_after"] else None
                    if place is not None:
                        start, groups["place"] = place.start, place.text
                    elif after is not None:  # a language that prints the dates first
                        end, groups["place"], place = after.start + len(after.text), after.text, after
                    if place is not None:
                        groups["place_confidence"] = place.confidence
                candidates.append((start, -(end - start), order, kind, _Match(start, end, groups)))
    candidates.sort(key=lambda c: c[:3])
    accepted: list[tuple[int, int, str, _Match]] = []
    last_end = 0
    for start, _, _, kind, m in candidates:
        if start < last_end:
            continue
        base = kind.split(":")[0]
        placeless = base == "place_dates" and "place" not in m.groups  # dates after unknown words: still dates
        if base in _ANCHORED and not placeless and not (block.line_start(start) or block.blank(last_end, start)):
            continue
        accepted.append((start, m.end(), kind, m))
        last_end = m.end()
    # Dates: a line of their own, or beside Distr./Original (a header read across).
    for d in (d for rx in p["dates"] for d in rx.finditer(text)):
        m = _Match(d.start(), d.end(), d.groupdict())
        if any(s < m.end() and m.start() < e for s, e, _, _ in accepted):
            continue
        whole_line = block.line_start(m.start()) and (m.end() == len(text) or text[m.end()] == "\n")
        beside = any(k in ("distribution", "original", "languages_only", "version_line", "symbol")
                     and ((e <= m.start() and block.blank(e, m.start())) or (s >= m.end() and block.blank(m.end(), s)))
                     for s, e, k, _ in accepted)
        # Columns read across: "... Convención de 5 de octubre de 2021 Español las Naciones ...".
        versioned = p["version_after"].match(text, m.end())
        if whole_line or beside or versioned:
            accepted.append((m.start(), m.end(), "date", m))
    accepted.sort(key=lambda a: a[0])
    out: list[_Token] = []
    pos = 0
    for s, e, kind, m in accepted:
        _free(block, pos, s, out)
        out.append(_Token(kind, text[s:e], block.doc(s), block.doc(e), m.groups))
        pos = e
    _free(block, pos, len(text), out)
    return out


@dataclass
class _Match:
    """A label found: its span in the block and its named groups (the place found before dates)."""

    s: int
    e: int
    groups: dict

    def start(self) -> int:
        return self.s

    def end(self) -> int:
        return self.e


def _free(block: _Block, s: int, e: int, out: list[_Token]) -> None:
    """The free text between two labels, one token per unit it spans (a title's unit and the
    agenda title's unit stay apart)."""
    for a, b in zip([s] + block.unit_breaks(s, e), block.unit_breaks(s, e) + [e]):
        chunk = block.text[a:b]
        lead = len(chunk) - len(chunk.lstrip())
        chunk = chunk.strip()
        if re.sub(r"[\W_]+", "", chunk):
            out.append(_Token("free", chunk, block.doc(a + lead), block.doc(a + lead + len(chunk))))


def _iso(day: int, month: int, year: int) -> Optional[str]:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _un_date(g, p: dict) -> Optional[str]:
    """ISO date of a match of a date pattern (its day, month, year groups; a month by name or number)."""
    month = g["month"]
    number = int(month) if month.isdigit() else p["months"].get(month.lower())
    return _iso(int(g["day"]), number, int(g["year"])) if number else None


# Header labels and how sure each makes a symbol beside it the document's own: the masthead,
# Distr. and Original are only ever printed in a header; a date or "English only" also in a list.
_HEADER = {"masthead": 2, "distribution": 2, "original": 2, "official_records": 2, "date": 1, "bracketed_date": 1,
           "languages_only": 1, "version_line": 1}
HEADER_REACH = 4  # tokens between a document's symbol and its header's labels, at most
AGENDA_NOTE_REACH = 8000  # the agenda's footnote is printed at the foot of the first page


def _series(symbol: Optional[str]) -> Optional[str]:
    """A symbol without its number and suffixes: the series and session (or year) it belongs to."""
    if not symbol:
        return None
    parts = [p for p in symbol.split("/") if not re.match(r"^(?:Add|Rev|Corr|Amend)\.\d+$", p)]
    return "/".join(parts[:-1]) or None


class _Reader:
    def __init__(self, file: str, text: str = "", lang: str = "en"):
        self.p = _patterns(lang)
        self.file = file
        self.page = FrontPage(DocumentMeta())
        self.bodies: list[tuple[str, _Token]] = []
        self.free_before: list[_Token] = []  # title block text before the document type
        self.free_after: list[_Token] = []
        self.header_seen = False
        self.masthead_seen = False
        self.session_started = False  # a session-block or title-block label came: the header is over
        self.header_free: list[_Token] = []  # free text in the header: pieces of the organ's name, read across
        self.seen_free: list[_Token] = []  # every free text after the masthead
        self.agenda_mark: Optional[int] = None  # where the agenda item's footnote mark ("*") is printed
        self.official: Optional[tuple[Optional[str], int]] = None  # Official Records: (its organ, first title token)
        self.count = 0  # tokens fed
        self.header_at: list[tuple[int, int, str]] = []  # header labels: (token number, weight, kind)
        self.symbols: list[tuple[int, _Token, bool]] = []  # symbols printed: (token number, token, after the type)
        self.text = text
        self.type_seen = False
        self.agenda_pending = False
        self.second_item = False  # "Items 138 and 139": two titles follow
        self.stopped = False

    def set(self, name: str, value, tok: _Token, confidence: float = 1.0, rule: Optional[str] = None) -> None:
        if getattr(self.page.meta, name) is not None or value is None:
            return
        setattr(self.page.meta, name, value)
        self.page.evidence.append(FieldEvidence(name, str(value), tok.start, tok.end, confidence, rule or tok.kind))

    def warn(self, fieldname: str, message: str) -> None:
        self.page.warnings.append(f"{self.file}: front page, {fieldname}: {message}")

    def feed(self, tok: _Token) -> None:
        kind = tok.kind.split(":")[0]
        self.count += 1
        if kind in _HEADER:
            self.header_at.append((self.count, _HEADER[kind], kind))
        if self.stopped:
            return
        if kind in _STOPS:
            self.stopped = kind != "contents" or self.header_seen
            return
        pending, self.agenda_pending = self.agenda_pending, False
        if kind in ("masthead", "symbol", "distribution", "original", "date"):
            self.masthead_seen = True
        elif kind in ("session", "place_dates", "session_dates", "agenda", "doc_type", "doc_type_suffix",
                      "doc_type_joined", "resolution_number"):
            self.session_started = True
        if kind == "free" and self.masthead_seen and not self.session_started:
            self.header_free.append(tok)
        if kind == "free" and self.masthead_seen:
            self.seen_free.append(tok)
        if pending and self.second_item and kind in ("doc_type", "doc_type_suffix", "doc_type_joined"):
            kind = "free"  # "Items 138 and 139": their titles follow, even one that reads like a type
        if pending and kind == "free" and self.page.meta.agenda_title is not None:
            return  # the second item's title ("Items 138 and 139"): agenda_title is the first item's
        if kind == "free":
            self._free(tok, pending)
        elif kind in ("distribution", "original", "date", "masthead"):
            self.header_seen = self.header_seen or kind != "masthead"
            if kind == "date":
                self.set("date", _un_date(tok.groups, self.p), tok)
            elif kind == "original" and tok.groups.get("value", "").lower() not in ("english",):
                self.warn("language", f"the document says Original: {tok.groups.get('value')}; fields are read as "
                                      "for an English front page, check them")
        elif kind == "official_records":
            self.header_seen = self.masthead_seen = True
            self.official = self.official or (self.bodies[-1][0] if self.bodies else None, len(self.free_before))
        elif kind == "bracketed_date":
            self.set("date", _un_date(tok.groups, self.p), tok, 0.9, "bracketed date")
        elif kind == "symbol":
            self.symbols.append((self.count, tok, self.type_seen))
        elif kind == "placeholder_symbol":
            self.warn("symbol", f"'{tok.text}' is a placeholder, not a symbol: give the symbol in a manifest.tsv")
        elif kind == "body":
            self.bodies.append((tok.kind.split(":", 1)[1], tok, self.header_seen))
        elif kind == "session":
            self.set("session", tok.value(), tok)
        elif kind == "place_dates":
            place = tok.groups.get("place")
            if place:
                self.set("meeting_place", re.sub(r"\s+", " ", place), tok, tok.groups["place_confidence"], "place, dates")
            else:
                self.warn("meeting_place", "the words before the meeting's dates name no known place: left empty")
            self.set("meeting_dates", re.sub(r"\s+", " ", tok.groups["dates"]), tok)
        elif kind == "session_dates":
            self.set("meeting_dates", re.sub(r"\s+", " ", tok.groups["dates"]), tok, 0.9)
        elif kind == "agenda":
            self.set("agenda_item", int(tok.groups.get("n1") or tok.groups.get("n2")), tok)
            if tok.text.rstrip().endswith("*") and self.agenda_mark is None:
                self.agenda_mark = tok.end
            self.agenda_pending = True
            self.second_item = bool(self.p["second_item"].search(tok.text))
        elif kind in ("doc_type", "doc_type_suffix", "doc_type_joined"):
            value = re.sub(r"\s*\*+", "", tok.value())
            if value.startswith("amendment"):  # printed after its sponsor: "Brazil:* amendment to ..."
                value = value[:1].upper() + value[1:]
            self.set("doc_type", value, tok)
            self.type_seen = True
            if tok.groups.get("adopted"):
                d = next((m for rx in self.p["dates"] for m in [rx.match(tok.groups["adopted"])] if m), None)
                self.page.adopted = _un_date(d, self.p) if d else None
        elif kind == "resolution_number":
            self.page.resolution_number = self.page.resolution_number or tok.value()

    def _free(self, tok: _Token, agenda_pending: bool) -> None:
        if not self.header_seen:
            return  # site chrome, or a hosting page's title
        if len(tok.text) > 250 and tok.text.rstrip().endswith(".") and not agenda_pending:
            self.stopped = True  # a sentence of the body: the first paragraph, the title block is over
            return
        if agenda_pending:
            text = re.sub(r"\s+", " ", tok.text).rstrip("*").strip()
            why = _not_a_title(text)
            if why:  # the agenda title run into the title and the summary: no reading is safe
                self.warn("agenda_title", f"{why}, not an agenda title: left empty ({text[:80]!r})")
                self.agenda_pending, self.second_item = self.second_item, False
                self.stopped = True
                return
            echoed = _without_echo(text)
            if echoed != text and text[len(echoed):].strip() == echoed:  # agenda title and title, one run
                self.free_before.append(_Token("free", echoed, tok.start + len(echoed) + 1, tok.end))
            else:
                breaks = _sentence_case_breaks(echoed, self.p["lang"])
                # Two agenda items: their two titles, then the document's title ("Cuestiones de
                # política sectorial: ... desarrollo Prevención del delito ... penal Prevención de las ...").
                two = self.second_item and len(breaks) >= 2
                cut = breaks[1] if two else breaks[0] if breaks else None
                if two:
                    self.second_item = False
                if cut:  # "Technical assistance Comments received on ...": the title starts at its capital
                    title = echoed[cut:]
                    self.free_before.append(_Token("free", title, tok.end - len(title), tok.end))
                    echoed = echoed[:cut].strip()
            self.set("agenda_title", echoed, tok, 0.9, "after agenda item")
            self.agenda_pending, self.second_item = self.second_item, False
        elif self.type_seen:
            self.free_after.append(tok)
        else:
            self.free_before.append(tok)

    def _own_symbol(self) -> None:
        """The document's own symbol is printed in its header, beside the masthead, ``Distr.``, the
        date or ``Original``; a symbol far from any (a web page's list of documents, "CAC/COSP/WG.4/
        2013/1 Annotated provisional agenda ...") is a reference, not the page's symbol."""
        def own(i: int) -> bool:
            near = [(w, kind) for h, w, kind in self.header_at if abs(i - h) <= HEADER_REACH]
            return (i <= 2  # the first thing printed (after a site's title line)
                    or any(w == 2 for w, _ in near)  # beside the masthead, Distr. or Original
                    or any(kind == "date" and abs(i - h) == 1 for h, _, kind in self.header_at))  # a date beside it

        near = next((k for k, (i, _, _) in enumerate(self.symbols) if own(i)), None)
        for _, tok, after_type in self.symbols[near:] if near is not None else []:
            self._symbol(tok, after_type)

    def _symbol(self, tok: _Token, after_type: bool = False) -> None:
        p = self.p
        printed = [m.group(0) for m in p["symbol"].finditer(tok.text) if re.search(r"\d", m.group(0))]
        found = [re.sub(r"\s+", " ", re.sub(r"\s*/\s*", "/", s)) for s in printed]
        if not found:
            return
        if self.page.meta.symbol is None and printed[0] != found[0]:
            self.warn("symbol", f"printed with a stray space as {printed[0]!r}: read as {found[0]}")
        if self.page.meta.symbol is None:
            self.set("symbol", found[0], tok)
            self.page.meta.symbol_source = "printed"
            if len(found) > 1:
                self.warn("symbol", f"a joint document: also issued as {', '.join(found[1:])}; kept {found[0]}")
        elif found[0] != self.page.meta.symbol and not after_type:
            self.warn("symbol", f"a second symbol {found[0]} is printed; kept {self.page.meta.symbol}")

    def finish(self, footnotes: list[Unit]) -> FrontPage:
        meta = self.page.meta
        self._own_symbol()
        # The meeting's body, printed in the session block, names the document's body ("Human
        # Rights Council" under a "General Assembly" masthead, a working group under the
        # Conference's); a joint document's session block names two, and the masthead decides.
        session = list({b: (b, t) for b, t, after in self.bodies if after}.values())
        others = [(b, t) for b, t, _ in self.bodies if not b.startswith("Conference of the States Parties")]
        organ = _organ(self.header_free)
        if organ is not None:  # the organ's name, read across a two-column header, is no title
            self.free_before = [t for t in self.free_before if t not in organ[1]]
            self.free_after = [t for t in self.free_after if t not in organ[1]]
        chosen = session[0] if len(session) == 1 else (others or [(b, t) for b, t, _ in self.bodies] or [None])[0]
        parent = _registry().get(chosen[0], {}).get("parent") if chosen else None
        if parent and any(b == parent for b, _, _ in self.bodies):  # a Main Committee's draft: the Assembly's
            chosen = next((b, t) for b, t, _ in self.bodies if b == parent)
        if self.official and self.official[0]:  # an Official Records edition: its organ
            chosen = next((b, t) for b, t, _ in self.bodies if b == self.official[0])
        if chosen:
            self.set("body", chosen[0], chosen[1], rule="session block" if chosen in session else "masthead")
        elif organ is not None:
            self.set("body", organ[0], organ[1][0], organ[2], "organ read across the header")
        # A budget fascicle's title is its section's: "Part IV ..." "Section 16 <title>".
        section = next((t for t in self.free_after if _SECTION.match(t.text)), None)
        if section is not None and not self.free_before:
            m = _SECTION.match(section.text)
            self.free_after = [_Token("free", section.text[m.end():], section.start + m.end(), section.end)]
        self.free_before = _continued(self.free_before)
        titles = self.free_before or self.free_after[:1]
        if self.official:  # an Official Records edition: the report's title, on the cover or under the records line
            report = next((t for t in self.seen_free if t.text.startswith("Report ")), None)
            if report is not None:
                titles = self.free_before = [report]
        if titles:
            tok = titles[-1] if self.free_before else titles[0]
            left_out = [t.text for t in self.free_before[:-1]]
            if left_out:
                self.warn("title", f"front-page text not recognised and left out of the title: {left_out[0][:80]!r}")
            title = _without_banner(_without_echo(re.sub(r"\s+", " ", tok.text).strip().rstrip("*").strip()))
            why = _not_a_title(title)
            if why:
                self.warn("title", f"{why}, not a title: left empty ({title[:80]!r})")
            else:
                self.set("title", title, tok, 0.9, "title block")
        elif self.header_seen:
            self.warn("title", "no title found on the front page")
        self._report_title()
        for fn in footnotes:
            if fn.at == "fn*":
                found = self._agenda_symbol(fn.text, 0)
                if found:
                    self.set("agenda_symbol", found, _Token("footnote", fn.text, fn.start, fn.end))
        if meta.agenda_symbol is None and self.agenda_mark is not None:
            # A rendering that has no footnotes prints them in the text: "______* CAC/COSP/2019/1."
            end = self.agenda_mark
            found = self._agenda_symbol(self.text[end:end + AGENDA_NOTE_REACH], 1)
            if found:
                self.set("agenda_symbol", found, _Token("footnote", found, end, end), 0.9, "agenda note in the text")
        return self.page

    def _report_title(self) -> None:
        """What a session report's title says: its session, place and dates, and the body reporting
        ("Report of the Implementation Review Group on its resumed seventh session, held in
        Vienna from ...": the Group's, though the Conference's name heads the page)."""
        p, meta = self.p, self.page.meta
        title = meta.title or ""
        ev = next((e for e in self.page.evidence if e.field == "title"), None)
        if ev is None:
            return
        tok = _Token("report_title", title, ev.start, ev.end)
        m = next((m for rx in p["report_titles"] for m in [rx.search(title)] if m), None)
        if m:
            place = known_place(m.group("place"))
            if place is None:
                self.warn("meeting_place", f"the title's '{m.group('place')}' is no known place: left empty")
            for name, value in (("session", m.group("session")), ("meeting_place", place and place.text),
                                ("meeting_dates", m.group("dates"))):
                self.set(name, value, tok, 0.9, "report title")
        m = p["report_title_dated"].search(title)
        if m:
            self.set("session", m.group("session"), tok, 0.9, "report title")
            self.set("meeting_dates", m.group("dates"), tok, 0.9, "report title")
        m = p["report_of_body"].search(title)
        body = _registry_name(m.group("body") or m.group("meeting_body")) if m else None
        if body and body != meta.body and not _registry().get(body, {}).get("parent"):
            ev_body = next((e for e in self.page.evidence if e.field == "body"), None)
            if ev_body is None or ev_body.rule != "session block":
                meta.body = None
                self.page.evidence = [e for e in self.page.evidence if e.field != "body"]
                self.set("body", body, tok, 0.9, "report title")

    def _agenda_symbol(self, text: str, marks: int) -> Optional[str]:
        """The provisional agenda the agenda item's asterisk points to: a symbol of the document's
        own series (CAC/COSP/2019/5 -> CAC/COSP/2019/1, A/80/179 -> A/80/150), after ``marks``
        asterisks at least."""
        own = _series(self.page.meta.symbol)
        for m in self.p["agenda_note"].finditer(text):
            if len(m.group("mark")) >= marks and (own is None or _series(m.group("symbol")) == own):
                return m.group("symbol")
        return None


def _not_a_title(text: str) -> Optional[str]:
    """Why a run of front-page text cannot be a UN title, or None.  Titles are one noun phrase
    in title position: not running prose (sentences), not a list of people, not a fragment that
    starts in lower case, not a paragraph's length."""
    if len(text) > 400:
        return "too long for a title"
    if re.search(r"[a-z]{2}[.!?]\s+[A-Z]", text) or text.endswith((".", ";")) and not text.endswith(("No.", "etc.")):
        return "running prose"
    if len(re.findall(r"\b(?:Mr|Ms|Mrs|Dr)\.\s", text)) >= 2:
        return "a list of people"
    if text[:1].islower():
        return "a fragment"
    if len(re.findall(r"(?<!\S)\d{1,3}(?:[-–]\d{1,3})?(?!\S)", text)) >= 4:
        return "a table of contents (a run of paragraph and page numbers)"
    return None


def _continued(free: list[_Token]) -> list[_Token]:
    """Free text whose unit starts in lower case continues the one before (a title's second line
    that a PDF's spacing put in a block of its own: "Promotion of durable peace through
    sustainable" / "development in Africa")."""
    out: list[_Token] = []
    for tok in free:
        if out and tok.text[:1].islower() and not out[-1].text.rstrip().endswith((".", ":", ";")):
            out[-1] = _Token("free", out[-1].text + " " + tok.text, out[-1].start, tok.end)
        else:
            out.append(tok)
    return out


@lru_cache(maxsize=None)
def _proper_words(lang: str) -> frozenset[str]:
    """First and last capitalised words of the names the registries know in the document's language (bodies;
    networks, organisations and States for English, the States' CLDR names for the others):
    inside a title they are names ("relevant Conference resolutions", "Office on Drugs and Crime
    to ..."), not the start of a new line."""
    from babel import Locale

    from extract.countries import names as country_names
    from extract.networks import registry

    names = [n for e in bodies() for n in e["names_by_language"].get(lang, [])]
    if lang == "en":
        names += [e["name"] for e in registry()] + list(country_names())
        names += [e["name"] for e in load_yaml("organisations.yaml")]
    else:
        names += list(Locale.parse(lang).territories.values())
    words = set()
    for n in names:  # a name's head and its last word stand for it ("the Conference", "Drugs and Crime");
        caps = [w for w in re.findall(r"\b[^\W\d_]{2,}\b", n) if w[0].isupper() and w[1:].islower()]
        words.update(caps[:1] + caps[-1:])  # its middle words are common ones ("sobre Prevención de la ...")
    return frozenset(words)


def _sentence_case_breaks(text: str, lang: str = "en") -> list[int]:
    """Where further sentence-case phrases start inside a run of title text that a rendering
    joined ("Technical assistance Comments received on the draft ..."): UN agenda titles and
    titles capitalise their first word and names only (in every UN language written in
    capitals), so a capitalised common word after a lower-case word, followed by a lower-case
    word, opens the next line."""
    out = []
    for m in re.finditer(r"(?=\b([^\W\d_]{3,})\s+([^\W\d_]{3,})\s+([^\W\d_]))", text):
        before, word, after = m.groups()
        if before.islower() and word[0].isupper() and word[1:].islower() and after.islower() \
                and word not in _proper_words(lang):
            out.append(m.start(2))
    return out


def _without_banner(text: str) -> str:
    """A title run into the banner printed above it ("UNITED NATIONS CONVENTION AGAINST CORRUPTION
    Guidance to filling in ..."): a leading run of capitals is no part of a sentence-case title."""
    m = re.match(r"^(?:[A-Z][A-Z'’-]+\s+){3,}(?=[A-Z][a-z])", text)
    return text[m.end():] if m else text


def _without_echo(text: str) -> str:
    """A run of front-page text that repeats its own beginning, as lines joined by a rendering
    do: the agenda title and a title that is the same words ("Performance of the Mechanism ...
    Performance of the Mechanism ..."), a title and the heading that opens the body with its
    first words ("Provisional agenda and annotations Provisional agenda").  The first copy."""
    words = text.split()
    for cut in range(len(words) - 2, 1, -1):
        head, tail = words[:cut], words[cut:]
        if len(tail) <= cut and tail == head[:len(tail)]:
            return " ".join(head)
    return text


def _words(text: str) -> list[str]:
    return re.findall(r"[\w-]+", text.lower())


@lru_cache(maxsize=1)
def _body_words() -> tuple[tuple[str, list[str]], ...]:
    """Every registered body's names in every language, as word lists (computed once)."""
    return tuple((e["body"], _words(name)) for e in bodies() for name in e["names"] if _words(name))


def _organ(free: list[_Token]) -> Optional[tuple[str, list[_Token], float]]:
    """The issuing organ from the free text of the header: a two-column header read across cuts
    "Conference of the States Parties / to the United Nations / Convention against Corruption"
    into pieces between the date and ``Original``.  Consecutive pieces that spell a registered
    body's name (all of it, or its first three quarters when an excerpt cuts it) are the organ:
    (body, its tokens, confidence)."""
    best = None
    for i in range(len(free)):
        for j in range(i + 1, min(i + 5, len(free)) + 1):
            words = _words(" ".join(t.text for t in free[i:j]))
            for body, target in _body_words():
                if not words or target[0] != words[0]:  # neither form matches then: a quick no
                    continue
                whole = words[:len(target)] == target  # all of it, maybe followed by other header text
                if not whole and not (len(words) >= 0.75 * len(target) and target[:len(words)] == words):
                    continue
                if best is None or len(words) > best[3]:
                    best = (body, free[i:j], 1.0 if whole else 0.8, len(words))
    return best[:3] if best else None


def read_front_page(front: list[Unit], footnotes: list[Unit], text: str, file: str = "", lang: str = "en") -> FrontPage:
    """The front page's fields, their evidence, and warnings about doubtful readings."""
    reader = _Reader(file, text, lang)
    if front:
        for tok in _tokens(_Block(front, text), reader.p):
            reader.feed(tok)
            if reader.stopped:
                break
    page = reader.finish(footnotes)
    if not reader.header_seen and front:
        _running_header(front, text, reader)
    _other_formats(front, text, page, reader)
    if not reader.header_seen and not any((page.meta.symbol, page.meta.date, page.meta.body, page.meta.session)):
        pattern, reach = reader.p["session_statement"]
        found = session_statement(text[:reach], pattern, _registry_name, reader.p["compilation_title"])
        for name, (value, s, e) in (found or {}).items():
            reader.set(name, value, _Token("session_statement", value, s, e), CONFIDENCE, "opening sentence")
    return page


def _running_header(front: list[Unit], text: str, reader: _Reader) -> None:
    """A text that starts past its front page (an excerpt of page 2) starts with the running
    header every later page prints: the document's title beside its symbol ("Preventing and
    combating corrupt practices ... A/RES/69/199"): read both from it, when the symbol follows
    the title in the first block of text and the page's prose starts after it."""
    first = front[0]
    start = first.start
    head = text[start:min(first.end, start + 600) + 40]
    m = reader.p["symbol"].search(head)
    second = front[1].start if len(front) > 1 else None
    if m is None or not re.search(r"\d", m.group(0)):
        return
    own_line = start + m.start() == second  # the header's second line: the symbol under the title
    if start + m.start() > first.end and not own_line:
        return
    before, after = head[:m.start()].strip(), head[m.end():]
    if before and len(before) <= 300 and not _not_a_title(re.sub(r"\s+", " ", before)) and (
            own_line or re.match(r"\s+[A-Z]|\s*$", after)):
        tok = _Token("running_header", m.group(0), start + m.start(), start + m.end())
        reader.set("symbol", m.group(0), tok, 0.8, "running header")
        reader.page.meta.symbol_source = reader.page.meta.symbol_source or "printed"
        reader.set("title", re.sub(r"\s+", " ", before), _Token("running_header", before, start, start + m.start()),
                   0.8, "running header")


def _other_formats(front: list[Unit], text: str, page: FrontPage, reader: _Reader) -> None:
    """Dates printed as "23/9/2019" or "September 23, 2019"; pages in a language without a pack."""
    p = reader.p
    for unit in front[:12]:
        for s, e in unit.segments or [(unit.start, unit.end)]:
            line = text[s:e].strip()
            if p["lang"] == "en" and p["language_other"].search(line):
                reader.warn("language", "the front page is not in English: fields may be missing")
            if page.meta.date:
                continue
            for kind, rx in p["other_dates"]:
                m = rx.match(line)
                if m:
                    month = m.group("month")
                    month = p["months"].get(month.lower()) or int(month)
                    iso = _iso(int(m.group("day")), month, int(m.group("year")))
                    if iso:
                        reader.set("date", iso, _Token("date", line, s, e), 0.7, f"date ({kind})")
                        reader.warn("date", f"'{line}' is not printed the UN way (23 September 2019): read as {iso}")


def read_metadata(front: list[Unit], footnotes: list[Unit], text: str) -> DocumentMeta:
    return read_front_page(front, footnotes, text).meta
