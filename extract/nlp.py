"""The one spaCy pipeline the extractors share: blank English, no model, nothing downloaded.

UN symbols (``CAC/COSP/WG.2/2018/5``) and instrument numbers (``2011/72/CFSP``) are kept
as single tokens, so token patterns can name them; everything else is spaCy's tokenizer.
"""
from __future__ import annotations

import re
from functools import lru_cache

import spacy
from spacy.tokens import Doc

from extract.resources import load_yaml

_RULES = load_yaml("references.yaml")
SYMBOL_RE = re.compile(_RULES["symbol"])
INSTRUMENT_RE = re.compile(_RULES["instrument"])
_WHOLE = re.compile(rf"^(?:{_RULES['symbol']}|{_RULES['instrument']})$")

_LAST: dict = {}


@lru_cache(maxsize=1)
def get_nlp() -> spacy.Language:
    nlp = spacy.blank("en")
    original = nlp.tokenizer.token_match
    nlp.tokenizer.token_match = (lambda s: _WHOLE.match(s) or (original(s) if original else None))
    return nlp


def unit_docs(doc) -> list[tuple[object, Doc]]:
    """Each extractor unit of a parsed document with its tokens, tokenized once per document.

    The extractors (references, networks, organisations, countries) all read the same
    units; the last document's tokens are kept so each is tokenized only once.
    """
    if _LAST.get("doc") is not doc:
        units = doc.units()
        _LAST.clear()
        _LAST.update(doc=doc, pairs=list(zip(units, get_nlp().pipe(u.text for u in units))))
    return _LAST["pairs"]
