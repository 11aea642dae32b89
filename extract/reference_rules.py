"""The words and rules of references in every language, from the language packs.

References are found the same way in every language: one spaCy Matcher whose token patterns
(``data/reference_patterns.jsonl``, and a pack's own where its word order differs: Chinese
"第7/1号决议") name word classes, ``@resolution``, ``@article``, ``@and`` ..., that each pack
fills with its words (``references.words`` in ``data/lang/<code>.yaml``: "résolution",
"resolución", "резолюция" and its cases, "قرار" with its clitics).  The ids are the same
whatever the language.  What a reference is (whose article, whose resolution) is decided by
the rules of ``data/references.yaml``, joined with the pack's versions of them (its issuers:
"Asamblea General"; what follows an article: "de la Convention"), so an English phrase quoted
in a French text still reads.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache

from extract.language import pack, packs
from extract.resources import load_jsonl, load_yaml

R = load_yaml("references.yaml")
_CLASS = re.compile(r"@([a-z_]+)")
# Rules a pack may give in its language; each is tried with the English one.
LANGUAGE_RULES = ("uncac_after", "other_after", "other_before", "chapter_not_uncac_after", "anaphora", "own_before",
                  "issuer_after")


@lru_cache(maxsize=1)
def word_classes() -> dict[str, str]:
    """Each word class as one alternation of every pack's words (a token's lower-case form)."""
    classes: dict[str, list[str]] = {}
    for p in packs().values():
        for name, words in p.get("references", {}).get("words", {}).items():
            classes.setdefault(name, []).append(words)
    return {name: "|".join(f"(?:{w})" for w in words) for name, words in classes.items()}


def _expand(value):
    """A pattern with its word classes filled in: ``"@resolution"`` as a token's whole
    ``REGEX`` is ``^(?:...)$``; inside a longer regex, ``@and`` is ``(?:...)``."""
    if isinstance(value, dict):
        return {k: _expand(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v) for v in value]
    if isinstance(value, str) and "@" in value:
        classes = word_classes()
        whole = _CLASS.fullmatch(value)
        if whole:
            return f"^(?:{classes[whole.group(1)]})$"
        return _CLASS.sub(lambda m: f"(?:{classes[m.group(1)]})", value)
    return value


@lru_cache(maxsize=1)
def patterns() -> tuple[tuple[str, list], ...]:
    """Every reference pattern (label, token pattern), word classes filled in."""
    rows = [(r["label"], r["pattern"]) for r in load_jsonl("reference_patterns.jsonl")]
    for p in packs().values():
        rows += [(r["label"], r["pattern"]) for r in p.get("references", {}).get("patterns", [])]
    return tuple((label, _expand(json.loads(json.dumps(pattern)))) for label, pattern in rows)


@lru_cache(maxsize=1)
def anchors() -> tuple[str, ...]:
    """Strings one of which a unit must hold for any pattern to match (every pack's), so the
    Matcher is not run on the four units in five that name no reference."""
    words = {w for p in packs().values() for w in p.get("references", {}).get("anchors", [])}
    return tuple(w for w in words if not any(o != w and o in w for o in words))


def _join(english: str, own: str | None) -> str:
    return english if not own else f"(?:{own})|(?:{english})"


@lru_cache(maxsize=None)
def rules(lang: str) -> dict:
    """The rules that decide what a reference is, for a document in ``lang``."""
    own = pack(lang).get("references", {}) if lang != "en" else {}
    para = own.get("para", R["para"])
    out = {}
    for k in ("uncac_after", "other_after", "other_before", "chapter_not_uncac_after", "pinpoint_after",
              "pinpoint_before", "article_detail_after", "title_after", "anaphora"):
        english = R[k].replace("{para}", R["para"])
        out[k] = re.compile(_join(english, own.get(k, "").replace("{para}", para) or None))
    out["issuer_after"] = re.compile(_join(R["issuer_after"], own.get("issuer_after")))
    out["own_before"] = re.compile(_join(R["own_before"], own.get("own_before")))
    # Word bounds where words are spaced; Chinese writes "联合国大会第55/188号决议".
    bounded = [(i, True) for i in R["issuers"]]
    bounded = [(i, pack(lang).get("spaced", True)) for i in own.get("issuers", [])] + bounded
    out["issuers"] = [(re.compile(rf"\b{i['pattern']}\b" if b else i["pattern"]), i) for i, b in bounded]
    return out


@lru_cache(maxsize=1)
def digits() -> dict[int, str]:
    """Arabic-Indic and other digits as ASCII, for ids ("٧/١" is 7/1)."""
    import unicodedata

    table = {}
    for cp in range(0x660, 0x6FA):
        ch = chr(cp)
        if unicodedata.category(ch) == "Nd":
            table[cp] = str(unicodedata.digit(ch))
    return table


def ascii_digits(text: str) -> str:
    return text.translate(digits())
