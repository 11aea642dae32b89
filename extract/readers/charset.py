"""Characters that print nothing: zero-width spaces, joiners, soft hyphens, direction marks.

They come from web pages and word processors (``CAC\u200b/COSP``, ``reso\u00adlution``) and
split words and symbols invisibly: a document lost its symbol, 66 mandates and 53 references
to them.  Every reader removes them (Unicode category Cf, "format") and says how many.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=1)
def _format_characters() -> dict[int, None]:
    planes = list(range(0x20000)) + list(range(0xE0000, 0xE0080))  # where Unicode puts them (checked to 15.1)
    return {cp: None for cp in planes if unicodedata.category(chr(cp)) == "Cf"}


def without_format_characters(text: str) -> tuple[str, int]:
    """The text without its format characters, and how many there were."""
    if text.isascii():
        return text, 0
    clean = text.translate(_format_characters())
    return clean, len(text) - len(clean)


def removed_warning(count: int) -> list[str]:
    return [f"removed {count} invisible format character(s) (zero-width spaces, joiners, soft hyphens, "
            "direction marks)"] if count else []
