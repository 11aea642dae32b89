"""The one spaCy pipeline the extractors share: blank English, no model, nothing downloaded.

UN symbols (``CAC/COSP/WG.2/2018/5``) and instrument numbers (``2011/72/CFSP``) are kept
as single tokens, so token patterns can name them; everything else is spaCy's tokenizer.
"""
from __future__ import annotations

import re
from functools import lru_cache

import spacy
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex

from extract.resources import load_yaml

_RULES = load_yaml("references.yaml")
SYMBOL_RE = re.compile(_RULES["symbol"])
INSTRUMENT_RE = re.compile(_RULES["instrument"])
_WHOLE = re.compile(rf"^(?:{_RULES['symbol']}|{_RULES['instrument']})$")

_CJK = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff0f\uff1a-\uff20]"
_LAST: dict = {}
# spaCy's tokenizer strips prefixes and suffixes from a word one character at a time, matching
# its suffix pattern against the rest of the word each time: quadratic in the word's length
# (20,000 ``>`` without a space took 34 s).  A run of 400 characters without a space is no
# word of a UN document (the longest symbols and links are under 200): it is one token.
LONG_RUN = re.compile(r"\S{400,}")


@lru_cache(maxsize=1)
def get_nlp() -> spacy.Language:
    nlp = spacy.blank("en")
    # spaCy refuses texts over a million characters to protect its parser's memory; this
    # pipeline only tokenizes, linearly, and a document's size is bounded where it is read.
    nlp.max_length = 100_000_000
    original = nlp.tokenizer.token_match
    nlp.tokenizer.token_match = (lambda s: _WHOLE.match(s) or (original(s) if original else None))
    # Chinese is written without spaces: each Han character (and CJK punctuation) is a token of
    # its own, so patterns spell its words character by character ("决", "议").  A segmenter
    # (jieba and its kin) would bring a dictionary and its errors to find words the patterns
    # already name; characters keep every offset exact and cost nothing.
    # Brackets against a Chinese character ("日(S/PRST/2011/16)、") are split off as they would
    # be before a space, and a symbol among Chinese characters is one token as it is among spaces,
    # also in brackets after a number ("14日安理会主席声明(S/PRST/2018/10)，": the closing bracket is
    # stripped as a suffix before the infixes are looked for).
    symbol = _RULES["symbol"]
    infixes = [rf"{symbol}(?=[)）])", rf"(?<=[(（]){symbol}", rf"(?<={_CJK}){symbol}", rf"{symbol}(?={_CJK})"] + list(
        nlp.Defaults.infixes) + [
        _CJK, rf"(?<={_CJK})[(（]", rf"(?<![(（]\d\d\d\d)[)）](?={_CJK})"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    prefixes = list(nlp.Defaults.prefixes) + [_CJK]
    nlp.tokenizer.prefix_search = compile_prefix_regex(prefixes).search
    return nlp


def unit_docs(doc) -> list[tuple[object, Doc]]:
    """Each extractor unit of a parsed document with its tokens, tokenized once per document.

    The extractors (references, networks, organisations, countries) all read the same
    units; the last document's tokens are kept so each is tokenized only once.
    """
    if _LAST.get("doc") is not doc:
        units = doc.units()
        _LAST.clear()
        nlp = get_nlp()
        _LAST.update(doc=doc, pairs=[(u, tokens(nlp, u.text)) for u in units])
    return _LAST["pairs"]


def tokens(nlp: spacy.Language, text: str) -> Doc:
    """``nlp.make_doc(text)``, in time linear in the text: runs of ``LONG_RUN`` are cut into
    pieces (``_run_docs``), the text between them is tokenized as usual (offsets are the text's
    own)."""
    if len(text) < 400 or not LONG_RUN.search(text):
        return nlp.make_doc(text)
    parts, pos = [], 0
    for m in LONG_RUN.finditer(text):
        if m.start() > pos:
            parts.append(nlp.make_doc(text[pos:m.start()]))
        parts += _run_docs(nlp, m.group())
        pos = m.end()
    if pos < len(text):
        parts.append(nlp.make_doc(text[pos:]))
    return Doc.from_docs(parts, ensure_whitespace=False)


_CJK_CHAR = re.compile(_CJK)
_CJK_PAIR = re.compile(rf"(?<={_CJK}){_CJK}")  # a cut between two: no rule looks across it
PIECE = 200  # characters of a run tokenized at once: short enough that the affix loop stays cheap


def _run_docs(nlp: spacy.Language, run: str) -> list[Doc]:
    """A run without a space, in pieces.  Chinese is written without spaces, so a paragraph of
    400 characters is one such run and must be read: it is cut about every ``PIECE`` characters,
    between two Han characters (each is a token of its own, and the rules that look at a
    neighbour see one on each side), else after one ("1267(1999)、1333(2000)、..."); a stretch
    of 400 characters with no Han character in it is no word: it is one token."""
    out: list[Doc] = []
    pos, n = 0, len(run)
    while pos < n:
        end = n
        if n - pos > PIECE:
            pairs = [m.start() for m in _CJK_PAIR.finditer(run, pos + 1, pos + PIECE + 1)]
            singles = [] if pairs else [m.end() for m in _CJK_CHAR.finditer(run, pos + 1, pos + PIECE)]
            if pairs or singles:
                end = (pairs or singles)[-1]
            else:
                nxt = _CJK_CHAR.search(run, pos + 1)
                end = nxt.start() if nxt else n
                if end - pos >= 400:
                    out.append(Doc(nlp.vocab, words=[run[pos:end]], spaces=[False]))
                    pos = end
                    continue
        out.append(nlp.make_doc(run[pos:end]))
        pos = end
    return out
