"""One name for each addressee of a mandate, whatever its printed spelling.

"the Secretariat" and "the secretariat", "UNODC" and "the United Nations Office on Drugs
and Crime" are one addressee each (``data/addressees.yaml``); what the registry does not
know keeps its words, a leading "the" or "all" dropped, so "all countries" and "countries"
meet.  The printed spelling stays in ``mandates.addressee``; this is ``addressee_key``.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from extract.resources import load_yaml

_ARTICLE = re.compile(r"^(?:the|all)\s+", re.I)


def _key(text: str) -> str:
    return _ARTICLE.sub("", re.sub(r"\s+", " ", text.strip())).casefold()


@lru_cache(maxsize=1)
def _registry() -> dict[str, str]:
    out = {}
    for entry in load_yaml("addressees.yaml")["addressees"]:
        for variant in [entry["name"]] + entry.get("variants", []):
            out[_key(variant)] = entry["name"]
    return out


@lru_cache(maxsize=1)
def _own_body_words() -> frozenset[str]:
    return frozenset(_key(w) for w in load_yaml("addressees.yaml")["own_body"])


def normalise(addressee: Optional[str], body: Optional[str] = None) -> Optional[str]:
    """The addressee's one name.  A bare "the Working Group" or "the Meeting" in a document of
    that working group or meeting (``body``, the document's issuing body) is that body: the
    Working Group on Asset Recovery's own documents say "the Working Group" for itself."""
    if not addressee or not addressee.strip():
        return None
    bare = _key(addressee)
    singular = bare[:-1] if bare.endswith("s") else bare  # "the expert meetings" of the expert meeting's own note
    if body and singular in _own_body_words() and singular in _key(body):
        return normalise(body)
    known = _registry().get(_key(addressee))
    if known:
        return known
    bare = _ARTICLE.sub("", re.sub(r"\s+", " ", addressee.strip()))
    return bare[:1].upper() + bare[1:]
