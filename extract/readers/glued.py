"""Words that a text extractor glued together: "Partiesto", "itsfourth", "NationsConvention",
"October2011"; and words it broke apart: "Docume nt submitte d", "Parag ra ph s".

Only a token that is not a word is touched, and only when a word segmenter (``wordsegment``:
unigram counts of a trillion-word English web corpus) splits it into words far more common
than the token itself: "partiesto" (never seen) is "parties to", while "CARIN", "GlobE",
"StAR", "Alsheddi" and "Bennani" stay as printed (capitals inside, or pieces that are no
common words).  Camel-case joins ("theUnited") split where both sides are words; a month or
word glued to a year ("October2011") splits at the digits.
"""
from __future__ import annotations

import re
from functools import lru_cache

COMMON = 1_000_000  # a piece must be at least this common a word (counts per ~1e12 words)
RATIO = 1000  # and the glued token this many times rarer than its rarest piece
RARE = 100_000  # only a token rarer than this is looked at (most tokens are words: one lookup)
VERY_COMMON = 10_000_000
PAIRED = 20  # and two pieces must have been seen side by side ("parties to": 40,000; "crypto currencies": 0)
SHORT = {"a", "i", "to", "of", "in", "on", "at", "by", "as", "is", "it", "an", "or", "be", "we"}
# Letter runs standing alone: not inside a link, a path or an address ("compauth_uncac", "worldbank.org").
_TOKEN = re.compile(r"(?<![\w/.@\\-])(?:[A-Za-z][a-z]+(?:[A-Z][a-z]+)*|[A-Za-z]+(?=\d{2,4}\b))(?![\w/@\\]|\.\w|-\w)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][a-z]{2})")
_LETTERS_DIGITS = re.compile(r"(?<![\w/.@\\-])([A-Za-z]{3,})(\d{2,4})\b(?![/@\\]|\.\w)")
_DIGITS_LETTERS = re.compile(r"(?<=\d)([a-z]{4,}|[A-Z][a-z]{3,})\b(?![/@\\]|\.\w)")  # "73/191entitled", "INF.1Final"


@lru_cache(maxsize=1)
def _segmenter():
    import wordsegment  # 0.4 s to load its counts: only for texts another tool extracted

    wordsegment.load()
    return wordsegment


def _count(word: str) -> float:
    return _segmenter().UNIGRAMS.get(word.lower(), 0.0)


def _word(word: str) -> bool:
    low = word.lower()
    return low in SHORT or len(low) >= 3 and _count(low) >= COMMON


def _paired(pieces: list[str]) -> bool:
    """Pieces seen side by side in the corpus, or each of them very common (the bigram list is
    short: "adopted resolution" is not in it, "crypto currencies" is not either)."""
    bigrams = _segmenter().BIGRAMS
    return all(bigrams.get(f"{a.lower()} {b.lower()}", 0.0) >= PAIRED or min(_count(a), _count(b)) >= VERY_COMMON
               or {a.lower(), b.lower()} & SHORT and max(_count(a), _count(b)) >= VERY_COMMON
               for a, b in zip(pieces, pieces[1:]))


@lru_cache(maxsize=1 << 16)
def _split(token: str) -> str:
    """The token, or its words separated by spaces (the token's own letters and case); a pure
    function of the token, remembered: a text repeats its words, and a segmentation costs a
    millisecond."""
    parts = _CAMEL.split(token)
    if len(parts) > 1:
        if all(len(p) >= 3 and _word(p) for p in parts):
            return " ".join(parts)
        return token
    low = token.lower()
    if len(low) < 5 or _count(low) >= RARE:
        return token
    pieces = _segmenter().segment(low)
    if not 2 <= len(pieces) <= 3 or not all(_word(p) for p in pieces) or not _paired(pieces):
        return token
    if _count(low) * RATIO >= min(_count(p) for p in pieces):
        return token
    out, pos = [], 0
    for p in pieces:
        out.append(token[pos:pos + len(p)])
        pos += len(p)
    return " ".join(out)


# A run of letters followed by one to three short lower-case pieces: "Docume nt", "submitte d", "Parag ra ph s".
_BROKEN = re.compile(r"(?<![\w/.@\\-])([A-Za-z][a-z]{1,14})((?: [a-z]{1,4}){1,3})(?![\w/@\\-])")


@lru_cache(maxsize=65536)
def _rejoin(first: str, tail: str) -> str:
    """The longest prefix of the run ``first`` + ``tail`` that is a broken word, joined; the run
    unchanged otherwise.  Joined only when the whole is a common word, ten times as common as its
    first piece, and the first two pieces are never seen side by side ("Docume nt", "submitte d";
    "is a", "in to", "can not" stay: the web corpus writes them apart).  Remembered: a pure
    function of the run, and a text repeats its runs ("of the", "in a")."""
    run, rest = first + tail, tail.split()
    if first.lower() in SHORT:
        return run
    bigram = _segmenter().BIGRAMS.get(f"{first.lower()} {rest[0]}", 0.0)
    if bigram >= PAIRED:
        return run
    for k in range(len(rest), 0, -1):
        joined = first + "".join(rest[:k])
        n = _count(joined.lower())
        if n >= COMMON and n >= 10 * _count(first):
            return joined + "".join(" " + t for t in rest[k:])
    return run


def rejoin(text: str) -> tuple[str, int]:
    """The text with words broken apart by an extractor joined again, and how many were."""
    count = [0]

    def fix(m: re.Match) -> str:
        out = _rejoin(m.group(1), m.group(2))
        count[0] += out != m.group(0)
        return out

    return _BROKEN.sub(fix, text), count[0]


def unglue(text: str) -> tuple[str, int]:
    """The text with glued words separated, and how many tokens were split."""
    count = [0]

    def fix(m: re.Match) -> str:
        token = m.group(0)
        if token.isupper():
            return token
        fixed = _split(token)
        if fixed != token:
            count[0] += 1
        return fixed

    text = _TOKEN.sub(fix, text)

    def digits(m: re.Match) -> str:
        if _word(m.group(1)):
            count[0] += 1
            return f"{m.group(1)} {m.group(2)}"
        return m.group(0)

    text = _LETTERS_DIGITS.sub(digits, text)

    def letters(m: re.Match) -> str:
        if _word(m.group(1)):
            count[0] += 1
            return " " + m.group(1)
        return m.group(0)

    return _DIGITS_LETTERS.sub(letters, text), count[0]
