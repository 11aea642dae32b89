"""Find references in a parsed document: resolutions, symbols, Convention articles, instruments.

spaCy's Matcher (patterns in ``data/reference_patterns.jsonl``) finds the printed
references on a blank English tokenizer; the rules in ``data/references.yaml`` then
decide what each one is, from the sentence around it, not from the number alone:

* the issuer named before a resolution in the same sentence decides its kind ("The
  General Assembly, in its resolution 71/208" is ``A/RES/71/208``); without one, the
  document's own body decides, and a session number no Conference has had means the
  General Assembly;
* what follows an article decides whose it is ("article 29 of the Arab Anti-Corruption
  Convention" is not the Convention against Corruption's); a bare article is;
* lists give one reference per id; pinpoints, titles and section numbers are detail.

"In the same resolution" and its kin are not references; :func:`resolution_before`
gives the resolution they point back to.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Iterable, Optional

from spacy.matcher import Matcher
from spacy.util import filter_spans

from extract.language import packs
from extract.nlp import INSTRUMENT_RE, SYMBOL_RE, get_nlp, unit_docs
from extract.reference_rules import anchors as anchors_of_references, ascii_digits, patterns, rules, word_classes
from extract.resources import load_yaml
from models.document import ParsedDocument, Unit
from models.references import Reference

R = load_yaml("references.yaml")
SESSIONS = load_yaml("cosp_sessions.yaml")
# A sentence ends at a stop before a capital (Latin, Cyrillic), before an Arabic letter (no
# capitals), or at a Chinese full stop.
_SENTENCE_END = re.compile(r"[.;:]\s+(?=[A-ZÀ-ÖØ-ÞА-ЯЁ(“\"\u0600-\u06FF])|[。；]")
_FATF_CONTEXT = re.compile(r"Financial Action Task Force|FATF|International Standards on Combating Money Laundering")
RESOLUTION_KINDS = ("cosp_resolution", "ga_resolution")
_TREATY_AFTER = re.compile(r"\bof (?:the )?((?:directive|decision|Directive|Decision)\s+(?:No\.\s*)?\S+?(?=[,;()]|\s|$)|"
                           r"[A-Z][^,;()]*?(?=\s*[,;.()]|$))")
_TREATY_BEFORE = re.compile(r"((?:[A-Z][\w-]*|of|the|on|in|for|against|and)(?:\s+(?:[A-Z][\w-]*|of|the|on|in|for|against|and))*)\s*\(\s*$")


# Patterns read only in the Security Council's texts: a bare "1591 (2005), 1651 (2005)" is its
# resolutions there and nothing anywhere else, and a pattern that may start at any number costs
# every other document a tenth of its reference time.
COUNCIL_ONLY = frozenset({"SC_BARE_LIST"})


@lru_cache(maxsize=None)
def _matcher(lang: str = "en", council: bool = False) -> Matcher:
    matcher = Matcher(get_nlp().vocab)
    for label, pattern in patterns(lang):
        if council or label not in COUNCIL_ONLY:
            matcher.add(label, [pattern], greedy="LONGEST")
    return matcher


SENTENCE_REACH = 1500  # characters looked back for a sentence's start: a unit's length must not multiply the work


def _sentence_before(text: str, pos: int) -> str:
    """The sentence up to ``pos`` (at most ``SENTENCE_REACH`` characters of it: an issuer is named near)."""
    lo = max(0, pos - SENTENCE_REACH)
    starts = [m.end() for m in _SENTENCE_END.finditer(text, lo, pos)]
    return text[starts[-1] if starts else lo:pos]


SC_PREFIX = "S/RES/"  # the Security Council's resolutions: "S/RES/2282 (2016)"
_SC_YEAR = re.compile(r"\s?[(（]((?:19|20)\d\d)[)）]")


def _issuer(text: str, pos: int, end: Optional[int] = None, rx: Optional[dict] = None,
            fits: Callable[[dict], bool] = lambda info: True) -> Optional[dict]:
    """The body named with the reference: printed after it ("resolution 11/4 of 21 October 2022
    of the Conference of the Parties to ..."), else the nearest named before it in the sentence,
    close enough to be its issuer (a body named a clause earlier is not: "... the Commission on
    Crime Prevention ..., as set forth in resolutions 70/299"). "its resolution" is the speaker's
    own, whatever was named earlier ("... Human Rights Council resolutions 23/9 ..., and its
    resolution 73/191").  Only bodies that ``fits`` (that number their resolutions this way)
    are candidates."""
    rx = rx or rules("en")
    if rx["own_before"].search(text[max(0, pos - 16):pos]):
        return None
    if end is not None:
        m = rx["issuer_after"].match(text, end)
        if m:
            for issuer, info in rx["issuers"]:
                if issuer.match(text, m.end()) and fits(info):
                    return info
    prefix = _sentence_before(text, pos)
    near = len(prefix) - R["issuer_window"]
    best, where = None, -1
    for issuer, info in rx["issuers"]:
        for m in issuer.finditer(prefix):
            if m.start() > where and m.end() >= near and fits(info):
                best, where = info, m.start()
    return best


def _url(kind: str, rid: str) -> Optional[str]:
    if kind in ("document", "ga_resolution"):
        return R["urls"]["document"].format(id=rid)
    if kind in ("cosp_resolution", "cosp_decision"):
        session = SESSIONS.get(int(rid.split("/")[0]))
        return session["url"] if session else None
    return None


class _Context:
    def __init__(self, doc: ParsedDocument, unit: Unit, default_body: str):
        self.doc, self.unit, self.text, self.default_body = doc, unit, unit.text, default_body
        self.rx = rules(doc.meta.language or "en")
        self.out: list[Reference] = []

    def add(self, kind: str, rid: str, start: int, end: int, detail=None, title=None, surface=None) -> None:
        self.out.append(Reference(
            kind=kind, id=rid, at=self.doc.address_at(self.unit, start),
            text=surface if surface is not None else self.text[start:end],
            start=self.unit.doc_offset(start), end=self.unit.doc_offset(end),
            detail=detail or None, url=_url(kind, rid), title=title))


def _trim(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " ,":
        end -= 1
    if text[start:end].endswith(" and"):
        end -= 4
    return end


def _resolutions(ctx: _Context, start: int, end: int) -> None:
    text = ctx.text
    after, before = text[end:end + 300], text[max(0, start - 120):start]
    ids = list(re.finditer(r"(?<!\d)(\d{1,3})/(\d{1,4})(?!\d)", text[start:end]))
    # The Security Council numbers its resolutions "2282 (2016)", never "70/262": a number n/m
    # after "the General Assembly and the Security Council" is the Assembly's.
    issuer = _issuer(text, start, start + ids[-1].end() if ids else end, ctx.rx,
                     fits=lambda info: info.get("prefix") != SC_PREFIX)
    detail = None
    m = ctx.rx["pinpoint_after"].match(after)
    if m and m.group(1):
        detail = m.group(1).strip()
    m = ctx.rx["pinpoint_before"].search(before)
    if m:
        detail = f"para. {m.group(1)}" if detail is None else detail
    t = ctx.rx["title_after"].match(after)
    for i, idm in enumerate(ids):
        session, number = int(idm.group(1)), ascii_digits(idm.group(0))
        if issuer is not None:
            kind, prefix = issuer["kind"], issuer.get("prefix", "")
        elif ctx.default_body == "ga" or session > R["max_cosp_session"]:
            kind, prefix = "ga_resolution", ""
        else:
            kind, prefix = "cosp_resolution", ""
        if kind == "cosp_resolution" and session > R["max_cosp_session"]:
            kind = "ga_resolution"
        rid = {"ga_resolution": f"A/RES/{number}", "cosp_resolution": number}.get(kind, f"{prefix}{number}")
        last = i == len(ids) - 1
        ctx.add(kind, rid, start + idm.start(), start + idm.end(), detail=detail if last else None,
                title=t.group(1) if (t and last) else None, surface=text[start:end])


_PAREN = r"(?:\s*\([^()\n]{1,80}\))"
# A list that goes on past a parenthesised name: "chapters III (Criminalization and law
# enforcement) and IV (International cooperation)", "articles 15 (Bribery) and 16".
_AND = word_classes()["and"]
_MORE = {"CHAPTER": re.compile(rf"{_PAREN}(?:\s*(?:,|{_AND})\s*[IVX]{{1,4}}\b{_PAREN}?)+"),
         "ARTICLE": re.compile(rf"{_PAREN}(?:\s*(?:,|{_AND})\s*\d{{1,3}}\b{_PAREN}?)+")}
# "articles 7-9", "artículos 5 a 7", "статьи 5 по 7", "第5至7条"
_RANGE = re.compile(rf"(?<!\d)(\d{{1,3}})\s*(?:-|–|(?<![^\W\d_])(?:{word_classes()['to']})(?![^\W\d_]))\s*(\d{{1,3}})(?!\d)")
MAX_RANGE = 20  # "articles 7-9": every article between; a wider "range" is something else


def _numbers(span: str) -> list[str]:
    """Article numbers of a list, ranges expanded ("7-9" -> 7, 8, 9), parenthesised names left out."""
    span = re.sub(r"\([^()]*\)", " ", span)
    out = []
    for m in re.finditer(_RANGE.pattern + r"|(?<!\d)(\d{1,3})(?:\.\d{1,2})?(?!\d)", ascii_digits(span)):
        if m.group(1) and 0 < int(m.group(2)) - int(m.group(1)) <= MAX_RANGE:
            out += [str(n) for n in range(int(m.group(1)), int(m.group(2)) + 1)]
        elif m.group(1):
            out += [m.group(1), m.group(2)]
        else:
            out.append(m.group(3))
    return out


def _articles(ctx: _Context, start: int, end: int, label: str) -> None:
    text = ctx.text
    more = _MORE[label].match(text, end)
    end = more.end() if more else end
    after, before = text[end:end + 250], text[max(0, start - 160):start]
    if label == "CHAPTER":
        if ctx.rx["chapter_not_uncac_after"].match(after) or (
                not ctx.rx["uncac_after"].match(after) and ctx.rx["other_after"].match(after)):
            return
        listed = re.sub(r"\([^()]*\)", lambda m: " " * len(m.group(0)), text[start:end])
        for m in re.finditer(r"\b[IVX]{1,4}\b", listed):
            ctx.add("uncac_chapter", m.group(0), start + m.start(), start + m.end(), surface=text[start:end])
        return
    treaty = None
    if ctx.rx["other_before"].search(before):
        kind = "treaty_article"
        m = _TREATY_BEFORE.search(before)
        treaty = m.group(1).strip() if m else None
    elif ctx.rx["uncac_after"].match(after):
        kind = "uncac_article"
    elif ctx.rx["other_after"].match(after):
        kind = "treaty_article"
        m = _TREATY_AFTER.search(after)
        treaty = m.group(1).strip() if m else None
    else:
        kind = "uncac_article"
    numbers = _numbers(text[start:end])
    d = ctx.rx["article_detail_after"].match(after)
    tail = (d.group(1).strip(" ,") if d else "")
    dotted = re.search(r"\d{1,3}\.\d", text[start:end])
    detail = (re.sub(r"^articles?\s+", "", text[start:end], flags=re.I) + (" " + tail if tail else "")) if dotted \
        else (tail or None)
    for n in dict.fromkeys(numbers):
        ctx.add(kind, n, start, end, detail=detail, title=treaty)


def _symbol(ctx: _Context, start: int, end: int) -> None:
    sym = ctx.text[start:end]
    if sym == ctx.doc.meta.symbol:
        return
    kind = "ga_resolution" if sym.startswith("A/RES/") else (
        "other_resolution" if sym.startswith(("E/RES/", "S/RES/")) else "document")
    year = _SC_YEAR.match(ctx.text, end) if re.fullmatch(rf"{re.escape(SC_PREFIX)}\d{{1,4}}", sym) else None
    if year:  # "S/RES/1645 (2005)": the Council's resolution in the one form the ids use
        sym, end = f"{sym} ({year.group(1)})", year.end()
    m = ctx.rx["pinpoint_after"].match(ctx.text[end:end + 80])
    ctx.add(kind, sym, start, end, detail=m.group(1).strip() if m and m.group(1) else None)


_COUNCIL_NUMBER = re.compile(r"(\d{3,4})\s*[(（](\d{4})[)）]")


def _council_numbers(ctx: _Context, start: int, end: int) -> None:
    """Each "2139 (2014)" of a matched span as the Council's resolution (a date in the span,
    "of 22 November 1967", has no brackets and is no number of it)."""
    for num in _COUNCIL_NUMBER.finditer(ctx.text, start, end):
        ctx.add("other_resolution", f"{SC_PREFIX}{num.group(1)} ({num.group(2)})", num.start(), num.end(),
                surface=ctx.text[start:end])


def _handle(ctx: _Context, label: str, start: int, end: int) -> None:
    text = ctx.text
    if label == "RESOLUTION":
        _resolutions(ctx, start, end)
    elif label == "SC_RESOLUTION":
        # "resolution 2139 (2014)": a number and its year in brackets is the Security Council's way
        # of numbering (the Assembly's and the Conference's are "n/m"), unless another issuer is named.
        issuer = _issuer(text, start, rx=ctx.rx)
        if issuer is None or issuer.get("prefix") == SC_PREFIX:
            _council_numbers(ctx, start, end)
    elif label == "SC_BARE_LIST" and ctx.default_body == "sc":
        # In the Council's own text a list "1591 (2005), 1651 (2005) and 1665 (2006)" is of its
        # resolutions even where the word "resolutions" stands further back ("in particular ...").
        _council_numbers(ctx, start, end)
    elif label == "GA_NUMBERED_RESOLUTION":  # "resolution 3514 (XXX)" (before 1976), "resolution S-32/1"
        issuer = _issuer(text, start, rx=ctx.rx)
        if issuer is None and ctx.default_body == "ga" or issuer and issuer["kind"] == "ga_resolution":
            num = re.search(r"(\d{2,4})\s*\(([IVXL]+)\)", text[start:end])
            special = re.search(r"S-\d{1,2}/\d{1,3}", text[start:end])  # special sessions: "S-32/1"
            rid = f"A/RES/{special.group(0)}" if special else f"A/RES/{num.group(1)}({num.group(2)})"
            ctx.add("ga_resolution", rid, start, end)
    elif label == "DECISION":
        for m in re.finditer(r"(?<!\d)\d{1,2}/\d{1,2}(?!\d)", text[start:end]):
            ctx.add("cosp_decision", ascii_digits(m.group(0)), start + m.start(), start + m.end(), surface=text[start:end])
    elif label == "SYMBOL":
        _symbol(ctx, start, end)
    elif label in ("ARTICLE", "CHAPTER"):
        _articles(ctx, start, end, label)
    elif label == "INSTRUMENT":
        num = re.search(R["instrument"], text[start:end])
        ctx.add("instrument", num.group(0), start, end)
    elif label == "FATF" and _FATF_CONTEXT.search(_sentence_before(text, start) + text[end:end + 200]):
        for m in re.finditer(r"\b\d{1,2}\b", text[start:end]):
            ctx.add("fatf_recommendation", m.group(0), start, end)


_INSTRUMENT_WORDS = {"decision", "directive", "regulation", "protocol"}


def _slash_tokens(sdoc) -> list[tuple[str, int, int]]:
    """Symbols and instrument numbers: single tokens with a slash, found without the Matcher."""
    out = []
    for tok in sdoc:
        if "/" not in tok.text:
            continue
        if SYMBOL_RE.fullmatch(tok.text):
            out.append(("SYMBOL", tok.i, tok.i + 1))
        elif INSTRUMENT_RE.fullmatch(tok.text):
            k = tok.i - 1
            while k >= 0 and sdoc[k].lower_ in ("no", "."):
                k -= 1
            if k >= 0 and sdoc[k].lower_ in _INSTRUMENT_WORDS:
                out.append(("INSTRUMENT", k, tok.i + 1))
    return out


def extract_references(doc: ParsedDocument) -> list[Reference]:
    """Every reference in the document, in reading order."""
    lang = doc.meta.language if doc.meta.language in packs() else "en"
    default_body = {"General Assembly": "ga", "Security Council": "sc"}.get(doc.meta.body, "cosp")
    # Inside a resolution's text, "its resolution" is the issuer's, whatever the containing document.
    issuers = {r.key: {"General Assembly": "ga", "Security Council": "sc"}.get(r.body, "cosp") for r in doc.resolutions}
    nlp, matcher = get_nlp(), _matcher(lang, "sc" in (default_body, *issuers.values()))
    refs: list[Reference] = []
    anchors = anchors_of_references(lang)
    for unit, sdoc in unit_docs(doc):
        low = unit.text.lower()
        found = [(nlp.vocab.strings[m], s, e) for m, s, e in matcher(sdoc)] if anchors is None or any(
            w in low for w in anchors) else []
        if "/" in unit.text:
            found += _slash_tokens(sdoc)
        labels = {(s, e): label for label, s, e in found}
        spans = filter_spans([sdoc[s:e] for _, s, e in found])
        ctx = _Context(doc, unit, issuers.get(unit.resolution, default_body))
        for span in spans:
            label = labels[(span.start, span.end)]
            start = span.start_char
            end = _trim(unit.text, start, span.end_char)
            _handle(ctx, label, start, end)
        refs.extend(ctx.out)
    return refs


def resolution_before(refs: Iterable[Reference], pos: int) -> Optional[Reference]:
    """The last resolution named before ``pos`` (a document offset): what "the same resolution" means."""
    best = None
    for r in refs:
        if r.kind in RESOLUTION_KINDS and r.start < pos and (best is None or r.start >= best.start):
            best = r
    return best


def anaphora_spans(text: str, lang: str = "en") -> list[tuple[int, int]]:
    """Where a unit's text points back to a resolution without naming it."""
    return [m.span() for m in rules(lang)["anaphora"].finditer(text)]


def references_in(text: str, body: Optional[str] = None, lang: str = "en") -> list[Reference]:
    """References in one piece of text, as if it were paragraph 1 of a document of ``body`` in ``lang``."""
    from models.document import DocumentMeta

    unit = Unit(at="1", kind="paragraph", text=text, start=0, end=len(text), segments=[(0, len(text))])
    doc = ParsedDocument(file="-", format="text", sha256="", text=text, meta=DocumentMeta(body=body, language=lang),
                         paragraphs=[unit])
    return extract_references(doc)
