"""Mandates a resolution gives in its own text: its operative paragraphs (every mandate verb,
the first and those coordinated after it), its own preambular participles ("Encouraging
Member States to ..."), and a declaration it adopts ("We ... request the Office to ...").
"""
from __future__ import annotations

import re
from typing import Callable, Optional

from extract.language import pack
from extract.mandate_text import ITEM_START, Verb, parse_object, rules, strengths, with_items
from models.document import ParsedDocument, Unit
from models.mandates import Mandate


def _resolution_of(doc: ParsedDocument, unit: Unit):
    return next((r for r in doc.resolutions if r.key == unit.resolution), None) if unit.resolution else None


def operative(doc: ParsedDocument, unit: Unit) -> list[Mandate]:
    """A resolution's own operative paragraph: "Requests the United Nations Office ... to assist",
    "Also decides that ...: (a) ...; (b) ..." (one mandate per item), and every verb coordinated
    after the first ("Recognizes that ... and therefore encourages Member States to ...,
    in this regard invites ...", "reiterates its request to ... to ...")."""
    r = rules()
    res = _resolution_of(doc, unit)
    if res is None or unit.kind != "paragraph" or res.body not in r["body_names"]:
        return []
    lang = doc.meta.language or "en"
    if lang != "en" and pack(lang).get("resolutions"):
        return _packed_operative(doc, unit, res, lang)
    text = unit.text if ITEM_START.search(unit.text) else unit.text.split(";")[0]
    return _own_verbs(doc, unit, res, text, r["operative_re"], r["operative"], r["coordinated_re"], r["coordinated"])


def _packed_operative(doc: ParsedDocument, unit: Unit, res, lang: str) -> list[Mandate]:
    """An operative paragraph in another language: its opening verb read to the English lemma by
    the language pack (extract/operative_verbs.py), the printed verb kept; addressee and action
    split by the pack's ``resolutions.object`` words.  Observation verbs ("Souligne") need the
    English reading of their object to be mandates: left out (a wrong mandate is worse than none).
    The verb is the one the resolution's record read for this paragraph."""
    part = next((p for p in res.parts if p.kind == "operative" and p.at == unit.at), None)
    strength = strengths().get(part.lemma) if part is not None and part.lemma else None
    if strength is None or strength == "observation":
        return []
    printed, lemma = part.verb, part.lemma
    start = unit.text.find(printed)
    obj = unit.text[start + len(printed):].strip()
    obj = re.split(r"\s*[;；؛]\s*", obj)[0].rstrip(" .。,，")
    addressee, action = _split_object(obj, (pack(lang).get("resolutions") or {}).get("object") or {})
    if not action:
        return []
    v = Verb(printed, start, start + len(printed), res.body)
    out = with_items(doc, unit, 0, unit.text, v, lemma, strength, addressee, action, res.id,
                     [res.id] if res.id else [])
    for m in out:
        m.verb_printed = printed
    return out


def _split_object(obj: str, words: dict) -> tuple[Optional[str], str]:
    if words.get("lead"):
        obj = re.sub(words["lead"], "", obj)
    for key in ("that", "infinitive"):
        m = re.match(words[key], obj) if words.get(key) else None
        if m:
            return None, obj[m.end():].strip()
    m = re.search(words["addressee_end"], obj) if words.get("addressee_end") else None
    if m and m.start() > 0:
        return obj[:m.start()].strip(" ,"), obj[m.end():].strip()
    return None, obj


def preamble_mandates(doc: ParsedDocument, unit: Unit,
                      reported: Callable[..., list[Mandate]]) -> list[Mandate]:
    """A preambular paragraph: its own participle ("Stressing the need for States parties to ...")
    is the issuer's; the mandates of the resolutions it recalls ("Recalling its resolution 7/1,
    in which it requested ...") are sightings of those resolutions."""
    r = rules()
    res = _resolution_of(doc, unit)
    if res is None or res.body not in r["body_names"]:
        return []
    out = _own_verbs(doc, unit, res, unit.text.split(";")[0], r["preamble_re"], r["preamble"],
                     r["coordinated_pp_re"], r["coordinated_participles"])  # "..., and urging the Group of 20 ..."
    return out + reported(doc, unit, previous_body=res.body)


def _own_verbs(doc: ParsedDocument, unit: Unit, res, text: str, opening_re: re.Pattern, opening: dict,
               later_re: re.Pattern, later: dict) -> list[Mandate]:
    """The issuer's own verbs in a paragraph: the one it opens with (``opening``, keyed by the
    capitalised form) and each coordinated after it in ``text`` (``later``, keyed in lower case),
    each verb's object running to the next verb."""
    found = [c for c in later_re.finditer(text) if c.start() > 0]
    out = []
    m = opening_re.match(unit.text)
    if m:
        lemma, strength = opening[m.group(1)[0].upper() + m.group(1)[1:]]
        out += _own_clause(doc, unit, res, m, lemma, strength, stop=found[0].start() if found else None)
    for k, c in enumerate(found):
        stop = found[k + 1].start() if k + 1 < len(found) else len(text)
        lemma, strength = later[c.group("verb").lower()]
        out += _own_clause(doc, unit, res, c, lemma, strength, stop=stop, verb_group="verb", items=False)
    return out


def _own_clause(doc: ParsedDocument, unit: Unit, res, m: re.Match, lemma: str, strength: str,
                stop: Optional[int] = None, verb_group: int | str = 1, items: bool = True) -> list[Mandate]:
    """The mandate of one verb of the issuer's own: its object runs to ``stop`` (the next
    coordinated verb) or the end of the paragraph's first clause."""
    r = rules()
    sentence = unit.text if ITEM_START.search(unit.text) else unit.text.split(";")[0]
    obj = sentence[m.end():stop].strip()
    obj = re.sub(r"(?:,?\s*(?:and|as well as))?[\s,;:.]*$", "", obj) if stop is not None else obj.rstrip(".;:,")
    if strength == "observation" and not r["observation"].match(obj):
        return []
    addressee, action = parse_object(lemma, obj)
    if not action:
        return []
    v = Verb(m.group(verb_group), m.start(verb_group), m.end(), res.body)
    own = res.id
    if not items:
        action = ITEM_START.split(action)[0].strip().rstrip(":")
    return with_items(doc, unit, 0, sentence, v, lemma, strength, addressee, action, own, [own] if own else [])


def declaration_of(doc: ParsedDocument):
    """(offset where an adopted declaration begins, the resolution adopting it), or None: the
    first paragraph outside the resolution's text that speaks as "We, the States Members ..."."""
    if not doc.resolutions:
        return None
    speaker = rules()["declaration_speaker"]
    first = next((u for u in doc.paragraphs if u.resolution is None and speaker.match(u.text)), None)
    if first is None:
        return None
    adopting = max((r for r in doc.resolutions if r.start <= first.start), key=lambda r: r.start,
                   default=doc.resolutions[0])
    return first.start, adopting


def declaration_mandates(doc: ParsedDocument, unit: Unit, adopting) -> list[Mandate]:
    """What "we" urge, request, encourage ... in a declaration paragraph: mandates of the
    adopting body, under the adopting resolution."""
    r = rules()
    if adopting.body not in r["body_names"]:
        return []
    text = unit.text
    found = list(r["declaration_verb"].finditer(text))
    out: list[Mandate] = []
    for k, m in enumerate(found):
        stop = found[k + 1].start() if k + 1 < len(found) else len(text)
        end = re.search(r"[.;](?:\s|$)", text[m.end():stop])
        obj = text[m.end():m.end() + end.start() if end else stop]
        obj = re.sub(r"(?:,?\s*(?:and|as well as))?[\s,;:.]*$", "", obj).strip()
        lemma, strength = r["declaration_verbs"][m.group("verb")]
        addressee, action = parse_object(lemma, obj)
        if not action:
            continue
        v = Verb(m.group("verb"), m.start("verb"), m.end(), adopting.body)
        out += with_items(doc, unit, 0, text, v, lemma, strength, addressee, action, adopting.id,
                          [adopting.id] if adopting.id else [])
    return out
