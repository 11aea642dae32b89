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
from typing import Iterable, Optional

from spacy.matcher import Matcher
from spacy.util import filter_spans

from extract.nlp import INSTRUMENT_RE, SYMBOL_RE, get_nlp, unit_docs
from extract.resources import load_jsonl, load_yaml
from models.document import ParsedDocument, Unit
from models.references import Reference

R = load_yaml("references.yaml")
SESSIONS = load_yaml("cosp_sessions.yaml")
_ISSUERS = [(re.compile(rf"\b{i['pattern']}\b"), i) for i in R["issuers"]]
_RX = {k: re.compile(R[k].replace("{para}", R["para"])) for k in ("uncac_after", "other_after", "other_before", "chapter_not_uncac_after",
                                      "pinpoint_after", "pinpoint_before", "article_detail_after", "title_after",
                                      "anaphora")}
_ISSUER_AFTER = re.compile(R["issuer_after"])
_SENTENCE_END = re.compile(r"[.;:]\s+(?=[A-Z(“\"])")
_FATF_CONTEXT = re.compile(r"Financial Action Task Force|FATF|International Standards on Combating Money Laundering")
RESOLUTION_KINDS = ("cosp_resolution", "ga_resolution")
_TREATY_AFTER = re.compile(r"\bof (?:the )?((?:directive|decision|Directive|Decision)\s+(?:No\.\s*)?\S+?(?=[,;()]|\s|$)|"
                           r"[A-Z][^,;()]*?(?=\s*[,;.()]|$))")
_TREATY_BEFORE = re.compile(r"((?:[A-Z][\w-]*|of|the|on|in|for|against|and)(?:\s+(?:[A-Z][\w-]*|of|the|on|in|for|against|and))*)\s*\(\s*$")


@lru_cache(maxsize=1)
def _matcher() -> Matcher:
    matcher = Matcher(get_nlp().vocab)
    for row in load_jsonl("reference_patterns.jsonl"):
        matcher.add(row["label"], [row["pattern"]], greedy="LONGEST")
    return matcher


@lru_cache(maxsize=1)
def _anchors() -> Optional[tuple[str, ...]]:
    """Words one of which every pattern requires (its first token's ``LOWER``), read from the
    patterns: a unit holding none of them cannot match, and most units hold none (about one
    in five does), so the Matcher is not run on them.  ``None`` if some pattern has no such
    word: then every unit is matched."""
    words: set[str] = set()
    for row in load_jsonl("reference_patterns.jsonl"):
        first = row["pattern"][0]
        lower = first.get("LOWER")
        if "OP" in first or lower is None:
            return None
        words.update(lower["IN"] if isinstance(lower, dict) else [lower])
    return tuple(w for w in words if not any(o != w and o in w for o in words))  # "resolution" covers "resolutions"


SENTENCE_REACH = 1500  # characters looked back for a sentence's start: a unit's length must not multiply the work


def _sentence_before(text: str, pos: int) -> str:
    """The sentence up to ``pos`` (at most ``SENTENCE_REACH`` characters of it: an issuer is named near)."""
    lo = max(0, pos - SENTENCE_REACH)
    starts = [m.end() for m in _SENTENCE_END.finditer(text, lo, pos)]
    return text[starts[-1] if starts else lo:pos]


def _issuer(text: str, pos: int, end: Optional[int] = None) -> Optional[dict]:
    """The body named with the reference: printed after it ("resolution 11/4 of 21 October 2022
    of the Conference of the Parties to ..."), else the nearest named before it in the sentence,
    close enough to be its issuer (a body named a clause earlier is not: "... the Commission on
    Crime Prevention ..., as set forth in resolutions 70/299"). "its resolution" is the speaker's
    own, whatever was named earlier ("... Human Rights Council resolutions 23/9 ..., and its
    resolution 73/191")."""
    if re.search(r"\b(?:its|their)\s+(?:own\s+)?$", text[max(0, pos - 12):pos]):
        return None
    if end is not None:
        m = _ISSUER_AFTER.match(text, end)
        if m:
            for rx, info in _ISSUERS:
                if rx.match(text, m.end()):
                    return info
    prefix = _sentence_before(text, pos)
    near = len(prefix) - R["issuer_window"]
    best, where = None, -1
    for rx, info in _ISSUERS:
        for m in rx.finditer(prefix):
            if m.start() > where and m.end() >= near:
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
    ids = list(re.finditer(r"\b(\d{1,3})/(\d{1,4})\b", text[start:end]))
    issuer = _issuer(text, start, start + ids[-1].end() if ids else end)
    detail = None
    m = _RX["pinpoint_after"].match(after)
    if m and m.group(1):
        detail = m.group(1).strip()
    m = _RX["pinpoint_before"].search(before)
    if m:
        detail = f"para. {m.group(1)}" if detail is None else detail
    t = _RX["title_after"].match(after)
    for i, idm in enumerate(ids):
        session = int(idm.group(1))
        if issuer is not None:
            kind, prefix = issuer["kind"], issuer.get("prefix", "")
        elif ctx.default_body == "ga" or session > R["max_cosp_session"]:
            kind, prefix = "ga_resolution", ""
        else:
            kind, prefix = "cosp_resolution", ""
        if kind == "cosp_resolution" and session > R["max_cosp_session"]:
            kind = "ga_resolution"
        rid = {"ga_resolution": f"A/RES/{idm.group(0)}", "cosp_resolution": idm.group(0)}.get(
            kind, f"{prefix}{idm.group(0)}")
        last = i == len(ids) - 1
        ctx.add(kind, rid, start + idm.start(), start + idm.end(), detail=detail if last else None,
                title=t.group(1) if (t and last) else None, surface=text[start:end])


_PAREN = r"(?:\s*\([^()\n]{1,80}\))"
# A list that goes on past a parenthesised name: "chapters III (Criminalization and law
# enforcement) and IV (International cooperation)", "articles 15 (Bribery) and 16".
_MORE = {"CHAPTER": re.compile(rf"{_PAREN}(?:\s*(?:,|and|or)\s*[IVX]{{1,4}}\b{_PAREN}?)+"),
         "ARTICLE": re.compile(rf"{_PAREN}(?:\s*(?:,|and|or)\s*\d{{1,3}}\b{_PAREN}?)+")}
_RANGE = re.compile(r"\b(\d{1,3})\s*(?:-|–|to)\s*(\d{1,3})\b")
MAX_RANGE = 20  # "articles 7-9": every article between; a wider "range" is something else


def _numbers(span: str) -> list[str]:
    """Article numbers of a list, ranges expanded ("7-9" -> 7, 8, 9), parenthesised names left out."""
    span = re.sub(r"\([^()]*\)", " ", span)
    out = []
    for m in re.finditer(_RANGE.pattern + r"|\b(\d{1,3})(?:\.\d{1,2})?\b", span):
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
        if _RX["chapter_not_uncac_after"].match(after) or (
                not _RX["uncac_after"].match(after) and _RX["other_after"].match(after)):
            return
        listed = re.sub(r"\([^()]*\)", lambda m: " " * len(m.group(0)), text[start:end])
        for m in re.finditer(r"\b[IVX]{1,4}\b", listed):
            ctx.add("uncac_chapter", m.group(0), start + m.start(), start + m.end(), surface=text[start:end])
        return
    treaty = None
    if _RX["other_before"].search(before):
        kind = "treaty_article"
        m = _TREATY_BEFORE.search(before)
        treaty = m.group(1).strip() if m else None
    elif _RX["uncac_after"].match(after):
        kind = "uncac_article"
    elif _RX["other_after"].match(after):
        kind = "treaty_article"
        m = _TREATY_AFTER.search(after)
        treaty = m.group(1).strip() if m else None
    else:
        kind = "uncac_article"
    numbers = _numbers(text[start:end])
    d = _RX["article_detail_after"].match(after)
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
    m = _RX["pinpoint_after"].match(ctx.text[end:end + 80])
    ctx.add(kind, sym, start, end, detail=m.group(1).strip() if m and m.group(1) else None)


def _handle(ctx: _Context, label: str, start: int, end: int) -> None:
    text = ctx.text
    if label == "RESOLUTION":
        _resolutions(ctx, start, end)
    elif label == "SC_RESOLUTION":
        issuer = _issuer(text, start)
        if issuer and issuer.get("prefix") == "S/RES/":
            num = re.search(r"(\d{3,4})\s*\((\d{4})\)", text[start:end])
            ctx.add("other_resolution", f"S/RES/{num.group(1)} ({num.group(2)})", start, end)
    elif label == "GA_NUMBERED_RESOLUTION":  # "resolution 3514 (XXX)" (before 1976), "resolution S-32/1"
        issuer = _issuer(text, start)
        if issuer is None and ctx.default_body == "ga" or issuer and issuer["kind"] == "ga_resolution":
            num = re.search(r"(\d{2,4})\s*\(([IVXL]+)\)", text[start:end])
            special = re.search(r"S-\d{1,2}/\d{1,3}", text[start:end])  # special sessions: "S-32/1"
            rid = f"A/RES/{special.group(0)}" if special else f"A/RES/{num.group(1)}({num.group(2)})"
            ctx.add("ga_resolution", rid, start, end)
    elif label == "DECISION":
        for m in re.finditer(r"\b\d{1,2}/\d{1,2}\b", text[start:end]):
            ctx.add("cosp_decision", m.group(0), start + m.start(), start + m.end(), surface=text[start:end])
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
    nlp, matcher = get_nlp(), _matcher()
    default_body = "ga" if doc.meta.body == "General Assembly" else "cosp"
    # Inside a resolution's text, "its resolution" is the issuer's, whatever the containing document.
    issuers = {r.key: ("ga" if r.body == "General Assembly" else "cosp") for r in doc.resolutions}
    refs: list[Reference] = []
    anchors = _anchors()
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


def anaphora_spans(text: str) -> list[tuple[int, int]]:
    """Where a unit's text points back to a resolution without naming it."""
    return [m.span() for m in _RX["anaphora"].finditer(text)]


def references_in(text: str, body: Optional[str] = None) -> list[Reference]:
    """References in one piece of text, as if it were paragraph 1 of a document of ``body``."""
    from models.document import DocumentMeta

    unit = Unit(at="1", kind="paragraph", text=text, start=0, end=len(text), segments=[(0, len(text))])
    doc = ParsedDocument(file="-", format="text", sha256="", text=text, meta=DocumentMeta(body=body),
                         paragraphs=[unit])
    return extract_references(doc)
