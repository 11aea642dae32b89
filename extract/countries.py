"""Countries and regional groups: UN short names as printed, mapped to ISO3 with pycountry.

Only United Nations Member States and observer States are names here (pycountry also
knows territories like "Jersey" that would be false hits in prose).  The UN's own short
forms ("Venezuela (Bolivarian Republic of)", "the Sudan") come from
``data/countries_un.yaml``; pycountry supplies every other spelling.  Footnotes that
are nothing but a list of States are the replies to a note verbale.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

import pycountry

from extract.resources import load_yaml
from models.document import ParsedDocument
from models.entities import Mention, Reply

OBSERVERS = {"PSE", "VAT"}


@lru_cache(maxsize=1)
def groups() -> dict[str, dict]:
    return load_yaml("regional_groups.yaml")


@lru_cache(maxsize=1)
def group_of() -> dict[str, str]:
    return {iso: g for g, spec in groups().items() for iso in spec["members"]}


@lru_cache(maxsize=1)
def names() -> dict[str, str]:
    """Every accepted spelling -> ISO3, for UN Member and observer States."""
    members = set(group_of()) | OBSERVERS
    out: dict[str, str] = {}
    for c in pycountry.countries:
        if c.alpha_3 not in members:
            continue
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                out[value] = c.alpha_3
    out.update(load_yaml("countries_un.yaml"))
    return out


def to_iso3(name: str) -> Optional[str]:
    """A printed State name to ISO3 ("the Sudan" -> SDN), or None."""
    clean = re.sub(r"^the\s+", "", name.strip().rstrip(".;,"), flags=re.I)
    if clean in names():
        return names()[clean]
    try:
        c = pycountry.countries.lookup(clean)
    except LookupError:
        return None
    return c.alpha_3 if c.alpha_3 in set(group_of()) | OBSERVERS else None


@lru_cache(maxsize=1)
def _un_name_of() -> dict[str, str]:
    return {v: k for k, v in load_yaml("countries_un.yaml").items()}


def display_name(iso3: str) -> str:
    c = pycountry.countries.get(alpha_3=iso3)
    return _un_name_of().get(iso3) or (getattr(c, "common_name", None) or c.name if c else iso3)


@lru_cache(maxsize=1)
def _matcher():
    from spacy.matcher import PhraseMatcher  # spaCy only where text is matched: group_of() stays light

    from extract.nlp import get_nlp

    nlp = get_nlp()
    m = PhraseMatcher(nlp.vocab, attr="ORTH")
    for name, iso in names().items():
        m.add(f"country|{iso}", [nlp.make_doc(name)])
    for g, spec in groups().items():
        for n in spec["names"]:
            m.add(f"group|{g}", [nlp.make_doc(n)])
    return m


def find_countries(doc: ParsedDocument) -> list[Mention]:
    from spacy.util import filter_spans

    from extract.nlp import get_nlp, unit_docs

    nlp, matcher = get_nlp(), _matcher()
    out = []
    for unit, sdoc in unit_docs(doc):
        found = {(s, e): nlp.vocab.strings[k] for k, s, e in matcher(sdoc)}
        for span in filter_spans([sdoc[s:e] for s, e in found]):
            kind, key = found[(span.start, span.end)].split("|", 1)
            s, e = span.start_char, span.end_char
            out.append(Mention(entity_type="country" if kind == "country" else "regional_group", key=key,
                               at=doc.address_at(unit, s), text=unit.text[s:e], start=unit.doc_offset(s),
                               end=unit.doc_offset(e), method="exact"))
    return out


def split_list(text: str) -> list[str]:
    """"Armenia, Czechia and Venezuela (Bolivarian Republic of)." -> the three names."""
    text = text.strip().rstrip(".")
    parts = re.split(r",\s*(?![^()]*\))|\s+and\s+(?![^()]*\))", text)
    return [p.strip() for p in parts if p.strip()]


def replies(doc: ParsedDocument) -> list[Reply]:
    """Footnotes that list States (at least two, all of them States): who replied."""
    out = []
    for fn in doc.footnotes:
        first = re.split(r"(?<=[.;])\s+(?=[A-Z])", fn.text, maxsplit=1)[0]  # the list, not the note after it
        items = split_list(first)
        if len(items) < 2:
            continue
        codes = [to_iso3(i) for i in items]
        if all(codes):
            out += [Reply(footnote=fn.at, country=i, iso3=c, anchor=fn.anchor) for i, c in zip(items, codes)]
    return out
