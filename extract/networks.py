"""Find practitioner networks (and organisations) named in a document.

Three passes, from surest to loosest, each over units that earlier passes did not claim:

1. spaCy ``PhraseMatcher`` over canonical names and aliases (case-insensitive) and
   acronyms (case-sensitive), longest match first;
2. ``context_aliases``: a generic phrase ("judicial regional platforms") that names a
   network only when its region ("Sahel") is in the same sentence;
3. rapidfuzz for variant spellings: capitalised phrases headed by Network, Platform,
   Partners, Group, ... are compared with every registry spelling; a close, unambiguous
   match resolves ("Asset Recovery Network for West Africa" -> ARIN-WA), anything else
   that is not a known non-network is kept as a candidate for review, not dropped.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from rapidfuzz import fuzz, process
from spacy.matcher import PhraseMatcher
from spacy.util import filter_spans

from extract.nlp import get_nlp, unit_docs
from extract.resources import load_yaml
from extract.sentences import sentence_at
from models.document import ParsedDocument
from models.entities import Candidate, Mention

FUZZY_MIN = 85.0
FUZZY_MARGIN = 4.0
_HEADS = r"(?:Network|Networks|Platform|Partners|Group|Association|Initiative|Parties|Offices|Authorities)"
_CANDIDATE = re.compile(
    rf"\b(?:[A-Z][\w/'’-]{{0,40}}\s+(?:(?:of|for|on|in|and|against|the|to)\s+){{0,3}}){{0,12}}?{_HEADS}"
    rf"(?:\s+(?:of|for|on|against|in)\s+(?:the\s+)?[A-Z][\w-]*(?:\s+(?:and\s+(?:the\s+)?)?[A-Z][\w-]*)*)?")
GENERIC = re.compile(rf"^(?:[Tt]he\s+)?(?:[A-Z][a-z]+\s+)?{_HEADS}$")


def registry() -> list[dict]:
    return load_yaml("networks.yaml")


def organisations() -> list[dict]:
    return load_yaml("organisations.yaml")


@lru_cache(maxsize=None)
def _matchers(kind: str) -> tuple[PhraseMatcher, PhraseMatcher, dict[str, tuple[str, str]]]:
    nlp = get_nlp()
    entries = registry() if kind == "network" else organisations()
    by_lower = PhraseMatcher(nlp.vocab, attr="LOWER")
    by_orth = PhraseMatcher(nlp.vocab, attr="ORTH")
    key: dict[str, tuple[str, str]] = {}
    for e in entries:
        spellings = [(e["name"], "exact")] + [(a, "alias") for a in e.get("aliases", [])]
        for text, method in spellings:
            label = f"{e['name']}|{method}"
            key[label] = (e["name"], method)
            by_lower.add(label, [nlp.make_doc(text)])
        for acro in e.get("acronyms", []):
            label = f"{e['name']}|acronym"
            key[label] = (e["name"], "acronym")
            by_orth.add(label, [nlp.make_doc(acro)])
    return by_lower, by_orth, key


@lru_cache(maxsize=1)
def _spellings() -> tuple[list[str], list[str]]:
    names, owners = [], []
    for e in registry():
        for s in [e["name"]] + e.get("aliases", []):
            names.append(s.lower())
            owners.append(e["name"])
    return names, owners


@lru_cache(maxsize=1)
def _not_networks() -> set[str]:
    return {n.lower() for n in load_yaml("not_networks.yaml")} | {e["name"].lower() for e in organisations()} | {
        a.lower() for e in organisations() for a in e.get("aliases", [])}


def find_mentions(doc: ParsedDocument, kind: str = "network") -> tuple[list[Mention], list[Candidate]]:
    nlp = get_nlp()
    by_lower, by_orth, key = _matchers(kind)
    mentions: list[Mention] = []
    candidates: list[Candidate] = []
    for unit, sdoc in unit_docs(doc):
        hits = list(by_lower(sdoc)) + list(by_orth(sdoc))
        spans = [sdoc[s:e] for _, s, e in hits]
        labels = {(s, e): nlp.vocab.strings[m] for m, s, e in hits}
        taken: list[tuple[int, int]] = []
        for span in filter_spans(spans):
            name, method = key[labels[(span.start, span.end)]]
            mentions.append(_mention(doc, unit, kind, name, span.start_char, span.end_char, method))
            taken.append((span.start_char, span.end_char))
        if kind != "network":
            continue
        mentions += _context_mentions(doc, unit)
        for m in _CANDIDATE.finditer(unit.text):
            s, e = _trim_candidate(unit.text, m.start(), m.end())
            if e - s < 8 or any(s < te and ts < e for ts, te in taken):
                continue
            phrase = unit.text[s:e]
            low = phrase.lower()
            if GENERIC.match(phrase) or not re.search(r"[A-Z]", phrase[1:]) or any(
                    low.startswith(n) or low.endswith(n) for n in _not_networks()):
                continue
            resolved = _fuzzy(phrase)
            if resolved:
                mentions.append(_mention(doc, unit, kind, resolved[0], s, e, "fuzzy", resolved[1]))
            elif not any(n in low for n in _not_networks()):
                closest = process.extractOne(phrase.lower(), _spellings()[0], scorer=fuzz.token_sort_ratio)
                candidates.append(Candidate(text=phrase, at=doc.address_at(unit, s), start=unit.doc_offset(s),
                                            end=unit.doc_offset(e), closest=_spellings()[1][closest[2]],
                                            score=round(closest[1], 1)))
    return mentions, candidates


def _trim_candidate(text: str, s: int, e: int) -> tuple[int, int]:
    """Drop a leading article or sentence word ("The", "In") the capitalised run picked up."""
    m = re.match(r"(?:(?:The|In|At|For|Both|All|Within|Through|Reference|States)\s+)+", text[s:e])
    if m:
        s += m.end()
    return s, e


@lru_cache(maxsize=1)
def _generic_words() -> set[str]:
    """Words shared by three or more registry names ("asset", "network", "for"): they tell nothing apart."""
    counts: dict[str, int] = {}
    for e in registry():
        for w in set(re.findall(r"[\w-]+", e["name"].lower())):
            counts[w] = counts.get(w, 0) + 1
    return {w for w, n in counts.items() if n >= 3}


def _fuzzy(phrase: str) -> tuple[str, float] | None:
    """A close spelling of one registry network that keeps all of its distinguishing words.

    "Asset Recovery Network for West Africa" keeps "west", "africa" of ARIN-WA and
    resolves; "the Asset Recovery Inter-Agency Networks" lacks "camden" and names the
    family, not CARIN; plural heads never resolve.
    """
    if re.search(r"(?:Networks|Platforms|Groups|Offices)$", phrase) and not phrase.endswith("Asset Recovery Offices"):
        return None
    names, owners = _spellings()
    best = process.extract(phrase.lower(), names, scorer=fuzz.token_sort_ratio, limit=5)
    if not best or best[0][1] < FUZZY_MIN:
        return None
    words = set(re.findall(r"[\w-]+", phrase.lower()))
    distinguishing = set(re.findall(r"[\w-]+", best[0][0])) - _generic_words()
    if not distinguishing <= words:
        return None
    top_owner = owners[best[0][2]]
    rival = next((b for b in best[1:] if owners[b[2]] != top_owner), None)
    if rival and best[0][1] - rival[1] < FUZZY_MARGIN:
        return None
    return top_owner, round(best[0][1], 1)


def _context_mentions(doc: ParsedDocument, unit) -> list[Mention]:
    out = []
    low = unit.text.lower()
    for e in registry():
        for ca in e.get("context_aliases", []):
            if ca["phrase"] not in low:
                continue
            for m in re.finditer(re.escape(ca["phrase"]), low):
                if ca["requires"].lower() in sentence_at(unit.text, m.start()).lower():
                    out.append(_mention(doc, unit, "network", e["name"], m.start(), m.end(), "context"))
    return out


def _mention(doc, unit, kind, name, s, e, method, score=100.0) -> Mention:
    return Mention(entity_type=kind, key=name, at=doc.address_at(unit, s), text=unit.text[s:e],
                   start=unit.doc_offset(s), end=unit.doc_offset(e), method=method, score=score)


def network_summary(mentions: Iterable[Mention]) -> list[dict]:
    """One entry per canonical network, ``{name, acronym, at: [addresses]}`` as in the gold files."""
    acronyms = {e["name"]: (e.get("acronyms") or [None])[0] for e in registry()}
    out: dict[str, dict] = {}
    for m in sorted(mentions, key=lambda m: m.start):
        if m.entity_type != "network":
            continue
        entry = out.setdefault(m.key, {"name": m.key, "acronym": acronyms.get(m.key), "at": []})
        if m.at not in entry["at"]:
            entry["at"].append(m.at)
    return list(out.values())
