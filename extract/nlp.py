"""The one spaCy pipeline the extractors share: blank English, no model, nothing downloaded.

UN symbols (``CAC/COSP/WG.2/2018/5``) and instrument numbers (``2011/72/CFSP``) are kept
as single tokens, so token patterns can name them; everything else is spaCy's tokenizer.
"""
from __future__ import annotations

import re
from functools import lru_cache

import spacy
from spacy.tokens import Token

from extract.resources import load_yaml

_RULES = load_yaml("references.yaml")
SYMBOL_RE = re.compile(_RULES["symbol"])
INSTRUMENT_RE = re.compile(_RULES["instrument"])
_WHOLE = re.compile(rf"^(?:{_RULES['symbol']}|{_RULES['instrument']})$")

if not Token.has_extension("symbol"):
    Token.set_extension("symbol", getter=lambda t: "/" in t.text and bool(SYMBOL_RE.fullmatch(t.text)))
    Token.set_extension("instrument", getter=lambda t: "/" in t.text and bool(INSTRUMENT_RE.fullmatch(t.text)))


@lru_cache(maxsize=1)
def get_nlp() -> spacy.Language:
    nlp = spacy.blank("en")
    original = nlp.tokenizer.token_match
    nlp.tokenizer.token_match = (lambda s: _WHOLE.match(s) or (original(s) if original else None))
    return nlp
