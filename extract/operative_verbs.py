"""The verb a resolution's paragraph opens with, as printed and as its English lemma.

A resolution says the same thing in six languages with one verb per operative paragraph:
"Requests" / "Prie" / "Solicita" / "просит" / "请" / "يطلب".  The English lemma of that verb is
what the spec's mandates, the citation pages and the cross-language checks compare, so every
language reads to it:

* English: the printed word with its adverbs dropped ("Further decides" -> decide), its
  particle kept where it changes the verb ("Calls upon", "Calls for", "Takes note"), spelling
  variants folded (data/mandates.yaml ``lemma_variants``);
* other languages: the longest printed form in the language pack's ``resolutions.verbs`` that
  opens the paragraph (after the pack's ``before`` adverbs, "还请" -> "请"); a verb with two
  meanings (French "Demande": call upon, request, call for) is decided by the pack's ``senses``,
  rules over the words after it (its construction and addressee).

A paragraph may hold its verb after a participial clause, as a preambular paragraph opens
("Noting the increase in attacks, decides ...", "Agissant ..., décide", "отмечая ..., признает"):
when it opens with a word of the language's ``preamble_openers``, the verb is the first known
operative verb after a comma. Adverbs before the verb ("Further strongly condemns", "вновь
решительно подтверждает", "с озабоченностью отмечает") may be chained.

Unknown verbs give the printed word and no lemma: a wrong verb is worse than none.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from extract.language import pack
from extract.resources import load_yaml

_LEAD = re.compile(r"^[\s\-–•*\d.)(]*")  # bullets, a number left on the line


@dataclass(frozen=True)
class Opening:
    printed: str  # as printed: "Prie également", "Further decides"
    lemma: Optional[str]  # English lemma: "request", "decide"; None when the verb is not known


@lru_cache(maxsize=1)
def _english() -> dict:
    data = load_yaml("mandates.yaml")
    res = load_yaml("resolutions.yaml")
    return {"verb": re.compile(res["opening_verb"]), "variants": data["lemma_variants"],
            "particles": data["lemma_particles"],
            "participle": re.compile(res["preamble_openers"] + "|" + res["clause_openers"]),
            "after_clause": re.compile(r"[,;]\s+" + res["opening_verb"].lstrip("^")),
            "lemmas": _operative_lemmas()}


def _operative_lemmas() -> frozenset:
    """Every English lemma an operative paragraph opens with in some language pack: what a word
    after a participial clause must be to count as the paragraph's verb."""
    from extract.language import packs

    return frozenset(lemma for p in packs().values()
                     for lemma in ((p.get("resolutions") or {}).get("verbs") or {}).values())


@lru_cache(maxsize=None)
def _lexicon(lang: str) -> Optional[dict]:
    part = pack(lang).get("resolutions") or {}
    verbs = part.get("verbs")
    if not verbs:
        return None
    forms = "|".join(re.escape(f) for f in sorted(verbs, key=len, reverse=True))
    spaced = pack(lang).get("frontpage", {}).get("spaced", True) is not False and lang != "zh"
    end = r"(?!\w)" if spaced else ""
    # adverbs before the verb, as few as will do: "вновь призывает" is a verb of its own
    lead = rf"(?:(?:{part['before']})\s*)*?" if part.get("before") else ""
    verb = rf"{lead}(?P<verb>{forms}){end}"
    return {
        "re": re.compile("^" + verb, re.I),
        "after_clause": re.compile(r"[,،;]\s*" + verb, re.I) if spaced else None,
        "participle": re.compile("^" + part["preamble_openers"]) if part.get("preamble_openers") else None,
        "verbs": {f.lower(): v for f, v in verbs.items()},
        "senses": [(s["verb"].lower(), re.compile(s["after"]), s["lemma"]) for s in part.get("senses") or []],
    }


def english_lemma(word: str, following: str = "") -> str:
    """"Decides" -> decide, "Expresses" -> express, "Calls" + "upon" -> call upon."""
    e = _english()
    w = word.lower()
    if re.search(r"(?:ss|sh|ch|x|zz)es$", w):
        w = w[:-2]
    elif w.endswith("ies"):
        w = w[:-3] + "y"
    elif w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    w = e["variants"].get(w, w)
    nxt = following.split()[0].lower().strip(",;:") if following.split() else ""
    return e["particles"].get(f"{w} {nxt}", w)


def opening(text: str, lang: str = "en") -> Optional[Opening]:
    """The verb ``text`` (a paragraph, its number stripped) opens with."""
    text = _LEAD.sub("", text)
    if lang != "en":
        lex = _lexicon(lang)
        if lex is not None:
            return _packed(text, lex)
    e = _english()
    m = e["verb"].match(text)
    if not m:
        return None
    lemma = english_lemma(m.group("verb"), text[m.end("verb"):])
    if lemma not in e["lemmas"] and e["participle"].match(text):
        for later in e["after_clause"].finditer(text):
            main = english_lemma(later.group("verb"), text[later.end("verb"):])
            if main in e["lemmas"]:
                return Opening(later.group(0).lstrip(",; "), main)
    return Opening(m.group(0), lemma)


def _packed(text: str, lex: dict) -> Optional[Opening]:
    m = lex["re"].match(text)
    if m:
        return Opening(m.group(0), _sense(lex, m.group("verb"), text[m.end():]))
    if lex["participle"] is not None and lex["after_clause"] is not None and lex["participle"].match(text):
        m = lex["after_clause"].search(text)
        if m:
            return Opening(m.group(0).lstrip(",،; "), _sense(lex, m.group("verb"), text[m.end():]))
    word = re.match(r"[^\s,，、:：;；]{1,12}", text)
    return Opening(word.group(0), None) if word else None


def _sense(lex: dict, printed: str, after: str) -> str:
    key = printed.lower()
    for verb, rx, lemma in lex["senses"]:
        if verb == key and rx.search(after):
            return lemma
    return lex["verbs"][key]


@lru_cache(maxsize=1)
def _meanings() -> dict[str, str]:
    groups = load_yaml("mandates.yaml")["same_meaning"]
    return {v: g[0] for g in groups for v in g}


def meaning(lemma: str) -> str:
    """The lemma that stands for ``lemma``'s group of same meaning ("underscore" -> "stress")."""
    return _meanings().get(lemma, lemma)


def same_meaning(a: Optional[str], b: Optional[str]) -> bool:
    """Whether two English lemmas say the same across a translation: the languages have one word
    for what English says with several (French "Souligne" for stress, emphasize, underline and
    underscore), so those count as one."""
    if a is None or b is None:
        return False
    return meaning(a) == meaning(b)
