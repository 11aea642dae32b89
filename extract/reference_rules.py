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
from typing import Optional

try:  # the regular-expression parser, to list the words of a finite word class
    from re import _constants as _c, _parser
except ImportError:  # Python < 3.11
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _parser  # type: ignore[no-redef]

from extract.language import pack, packs
from extract.resources import load_jsonl, load_yaml

R = load_yaml("references.yaml")
_CLASS = re.compile(r"@([a-z_]+)")
# Rules a pack may give in its language; each is tried with the English one.
LANGUAGE_RULES = ("uncac_after", "other_after", "other_before", "chapter_not_uncac_after", "anaphora", "own_before",
                  "issuer_after")


def _packs_for(lang: Optional[str]) -> list[dict]:
    """The packs whose words a document in ``lang`` is read with: English (UN documents in every
    language quote English titles and symbols) and its own; all of them when ``lang`` is None."""
    if lang is None:
        return list(packs().values())
    return [p for code, p in packs().items() if code in ("en", lang)]


@lru_cache(maxsize=None)
def word_classes(lang: Optional[str] = None) -> dict[str, str]:
    """Each word class as one alternation of the packs' words (a token's lower-case form)."""
    classes: dict[str, list[str]] = {}
    for p in _packs_for(lang):
        for name, words in p.get("references", {}).get("words", {}).items():
            classes.setdefault(name, []).append(words)
    codes = [code for code in packs() if lang is None or code in ("en", lang)]
    classes.setdefault("month", []).insert(0, "|".join(sorted({re.escape(m) for c in codes for m in _months(c)})))
    return {name: "|".join(f"(?:{w})" for w in words) for name, words in classes.items()}


@lru_cache(maxsize=None)
def _months(code: str) -> frozenset:
    """A language's month names, lower case, as dates print them (CLDR through babel: "novembre",
    "ноября" in a date, "ноябрь" alone); the pack's ``words.month`` adds what CLDR does not
    have (the Levantine "تشرين الثاني" beside "نوفمبر")."""
    from babel import Locale, UnknownLocaleError
    from babel.dates import get_month_names

    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return frozenset()
    return frozenset(n.lower() for ctx in ("format", "stand-alone")
                     for n in get_month_names("wide", ctx, locale=code).values())


def finite_forms(regex: str, limit: int = 400) -> Optional[list[str]]:
    """Every string a regular expression without loops matches ("résolutions?" -> résolution,
    résolutions), or None when it has loops, classes or more than ``limit`` strings: a token's
    whole-word class then goes to spaCy's Matcher as an ``IN`` list, compared by hash, instead
    of a regular expression run on every token."""
    try:
        tree = _parser.parse(regex)
    except re.error:
        return None

    def walk(items) -> Optional[list[str]]:
        out = [""]
        for op, av in items:
            if op is _c.LITERAL:
                alts = [chr(av)]
            elif op is _c.IN:
                if not all(o is _c.LITERAL for o, _ in av):
                    return None
                alts = [chr(v) for _, v in av]
            elif op is _c.SUBPATTERN:
                alts = walk(av[-1])
            elif op is _c.BRANCH:
                alts = []
                for branch in av[1]:
                    sub = walk(branch)
                    if sub is None:
                        return None
                    alts += sub
            elif op is _c.MAX_REPEAT and av[0] == 0 and av[1] == 1:
                sub = walk(av[2])
                alts = None if sub is None else [""] + sub
            else:
                return None
            if alts is None:
                return None
            out = [a + b for a in out for b in alts]
            if len(out) > limit:
                return None
        return out
    return walk(tree)


def _expand(value, classes: dict[str, str]):
    """A pattern with its word classes filled in: ``{"LOWER": {"REGEX": "@resolution"}}`` as an
    ``IN`` list of its words where they are finitely many, else ``^(?:...)$``; inside a longer
    regex, ``@and`` is ``(?:...)``."""
    if isinstance(value, dict):
        whole = value.get("REGEX") if len(value) == 1 and isinstance(value.get("REGEX"), str) else None
        m = _CLASS.fullmatch(whole) if whole else None
        forms = finite_forms(classes[m.group(1)]) if m else None
        if forms is not None:
            return {"IN": sorted({f.lower() for f in forms})}
        return {k: _expand(v, classes) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, classes) for v in value]
    if isinstance(value, str) and "@" in value:
        whole = _CLASS.fullmatch(value)
        if whole:
            return f"^(?:{classes[whole.group(1)]})$"
        return _CLASS.sub(lambda m: f"(?:{classes[m.group(1)]})", value)
    return value


@lru_cache(maxsize=None)
def patterns(lang: Optional[str] = None) -> tuple[tuple[str, list], ...]:
    """The reference patterns (label, token pattern) for a document in ``lang``, word classes
    filled in."""
    rows = [(r["label"], r["pattern"]) for r in load_jsonl("reference_patterns.jsonl")]
    for p in _packs_for(lang):
        rows += [(r["label"], r["pattern"]) for r in p.get("references", {}).get("patterns", [])]
    classes = word_classes(lang)
    return tuple((label, _expand(json.loads(json.dumps(pattern)), classes)) for label, pattern in rows)


@lru_cache(maxsize=None)
def anchors(lang: Optional[str] = None) -> tuple[str, ...]:
    """Strings one of which a unit must hold for any pattern to match, so the Matcher is not run
    on the four units in five that name no reference."""
    words = {w for p in _packs_for(lang) for w in p.get("references", {}).get("anchors", [])}
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
