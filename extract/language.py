"""Which UN language a document is in, and the pack of words for reading it.

A UN document says its language itself, when a rendering kept its header: the job number ends
with the language letter (``V.17-08296 (F)``), the header names the version ("Français",
"Russian"), ``Distr. générale`` / ``Original: inglés`` are printed in it.  Otherwise the writing
decides: Cyrillic, Han and Arabic letters are Russian, Chinese and Arabic for the UN; among Latin
scripts a language identifier (py3langid, trained on 97 languages) tells English, French and
Spanish apart, and names a language with no pack (German, Portuguese) as such.

The packs (``data/lang/<code>.yaml``, one per language) hold the words the readers need: the
front page's labels, the month names (from CLDR, through babel), session ordinals, reference
words, mandate verbs mapped to the spec's English lemma.  A seventh language is a seventh pack.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from extract.resources import DATA, load_yaml

UN_LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
_JOB = re.compile(r"\b(?:V|GE|NY|N)\.?\s?\d{2}-\d{5}\s*\(([EFSRAC])\)")
SAMPLE = 4000  # characters of body text looked at
_IDENTIFY = 600  # of which the identifier reads: a few lines tell English, French and Spanish apart, and it costs by the character


@dataclass
class Detected:
    code: str  # ISO 639-1
    confidence: float
    evidence: str
    packed: bool  # whether a language pack reads it
    method: str = "script"  # markup | header | script | identifier | none
    contradicted: bool = False  # the markup or header declared another language than the text is in


@lru_cache(maxsize=None)
def pack(code: str) -> dict:
    """The language pack (empty for a language without one)."""
    path = DATA / "lang" / f"{code}.yaml"
    return load_yaml(f"lang/{code}.yaml") if path.exists() else {}


@lru_cache(maxsize=1)
def packs() -> dict[str, dict]:
    return {p.stem: pack(p.stem) for p in sorted((DATA / "lang").glob("*.yaml"))}


@lru_cache(maxsize=None)
def ordinals(code: str) -> tuple[str, ...]:
    """A language's ordinal words for session numbers, longest first: the pack's own list (forms
    a number speller does not give: French "Première", Spanish "tercer" before a noun) and, if
    the pack asks, the ordinals 1..N spelled by num2words ("quincuagésimo sexto"), each
    capitalized and not, with the pack's shortened forms ("primero" -> "primer")."""
    p = pack(code).get("frontpage", {})
    words = set(p.get("ordinals", []))
    upto = p.get("ordinals_spelled")
    if upto:
        from num2words import num2words

        for n in range(1, int(upto) + 1):
            w = num2words(n, to="ordinal", lang=code)
            forms = {w} | {re.sub(rf"{long}$", short, w) for long, short in p.get("ordinal_short", {}).items()}
            words |= forms | {f[:1].upper() + f[1:] for f in forms}
    return tuple(sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _job_letters() -> dict[str, str]:
    return {p["job_letter"]: code for code, p in packs().items() if p.get("job_letter")}


@lru_cache(maxsize=1)
def _version_lines() -> re.Pattern:
    names = {n: code for code, p in packs().items() for n in p.get("version_names", [])}
    _version_lines.names = {k.lower(): v for k, v in names.items()}  # type: ignore[attr-defined]
    return re.compile(r"(?<![\w])(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")(?=\s+Original\b)")


_SCRIPTS = {  # letters of each script, by Unicode block (a regular expression counts them in C)
    "ru": re.compile(r"[\u0400-\u052F]"),
    "zh": re.compile(r"[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]"),
    "ar": re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]"),
}
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
_ANY_SCRIPT = re.compile("|".join(rx.pattern for rx in _SCRIPTS.values()))


def _script(text: str) -> Optional[str]:
    """The UN language a non-Latin script is written in, when most letters are in it."""
    if not _ANY_SCRIPT.search(text):  # most documents: one pass, no counting
        return None
    counts = {k: len(rx.findall(text)) for k, rx in _SCRIPTS.items()}
    latin = len(_LATIN.findall(text))
    best = max(counts, key=lambda k: counts[k])
    if not counts[best]:
        return None
    # Chinese needs far fewer characters than alphabets for the same text.
    weight = 3 if best == "zh" else 1
    return best if counts[best] * weight > latin else None


@lru_cache(maxsize=1)
def _identifier():
    """py3langid, for Latin-script text without a header to say (its model loads once per user,
    then from the cache: ``langid_model``)."""
    from extract.langid_model import identifier

    return identifier(["en", "fr", "es", "de", "pt", "it", "nl", "ru", "ar", "zh"])


_LATIN_WORD = re.compile(r"[A-Za-zÀ-ÿ]{3}")


def _identify(sample: str) -> str:
    return _identifier().classify(sample[:_IDENTIFY])[0]


def _unless_the_script_differs(code: str, confidence: float, evidence: str, method: str, sample: str,
                               declarer: str, said: Optional[str] = None) -> Detected:
    """A declared language (markup, header), unless the text is written in another script: the
    text wins, and the evidence names what was declared (``said``, by default ``evidence``)."""
    script = _script(sample) if sample else None
    if script and script != code:  # a header that says French over a Russian text
        return Detected(script, 0.9, f"its script, not the language {declarer} declares ({said or evidence})",
                        script in packs(), "script", contradicted=True)
    return Detected(code, confidence, evidence, code in packs(), method)


def detect(body: str, header: str = "", declared: Optional[str] = None, identified: Optional[str] = None) -> Detected:
    """The document's language from what its markup declares, else its header's clues, else its
    script, else the identifier.  A declaration the script contradicts (a file marked English in
    Cyrillic) loses to the script, and the evidence says so.  ``identified``: what the reader's
    identifier already found in the text."""
    if declared:
        return _unless_the_script_differs(declared, 1.0, "declared by the file's markup", "markup",
                                          body[:SAMPLE] or header[:SAMPLE], "the file", repr(declared))
    m = _JOB.search(header)
    if m and m.group(1) in _job_letters():
        return _unless_the_script_differs(_job_letters()[m.group(1)], 1.0, f"job number {m.group(0)}", "header",
                                          body[:SAMPLE], "the header")
    v = _version_lines().search(header)
    if v:
        code = _version_lines.names[v.group(1).lower()]  # type: ignore[attr-defined]
        return _unless_the_script_differs(code, 0.95, f"the header's version line {v.group(1)!r}", "header",
                                          body[:SAMPLE], "the header")
    sample = body[:SAMPLE] or header[:SAMPLE]
    script = _script(sample)
    if script:
        return Detected(script, 0.95, "its script", True, "script")
    if not _LATIN_WORD.search(sample):
        return Detected("en", 0.3, "nothing to tell by", True, "none")
    code = identified or _identify(sample)
    return Detected(code, 0.8, "a language identifier (py3langid)", code in packs(), "identifier")


def other_language(text: str, code: str, min_letters: int = 400) -> Optional[str]:
    """The language a stretch of a document is in when it is not the document's (an English report
    with a French annex), told by its script or the identifier; None when it is the same or the
    stretch is too short to tell."""
    sample = text[:SAMPLE]
    if len(re.findall(r"[^\W\d_]", sample)) < min_letters:
        return None
    found = _script(sample)
    if found is None and _LATIN_WORD.search(sample):
        found = _identify(sample)
    if found is None and code in ("ru", "zh", "ar"):
        found = "latin"
    return found if found and found != code else None
