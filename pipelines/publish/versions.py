"""Language versions of one symbol, side by side, paragraph by paragraph.

The UN numbers a document's paragraphs identically in its six languages, so two versions line
up by address (``12``, ``12(a)``, ``8/9/op3``, a resolution's ``pp2``): a translator checking the
Spanish against the English reads the two paragraph 12s next to each other.  Addresses held by
one version only are shown in place with the other side empty and counted in a warning (the
build's warning names them too).
"""
from __future__ import annotations

import sqlite3
from typing import Optional

from pipelines.publish.pagekit import rows

LANGUAGE_NAMES = {"ar": "العربية", "zh": "中文", "en": "English", "fr": "Français", "ru": "Русский", "es": "Español"}
RTL = {"ar"}


def versions_of(conn: sqlite3.Connection, symbol: Optional[str]) -> list[dict]:
    """The documents holding ``symbol``, one per language (English first, then by code)."""
    if not symbol:
        return []
    found = rows(conn, "select id, language, title from documents where symbol = ? order by language = 'en' desc, "
                       "language, id", [symbol])
    seen, out = set(), []
    for r in found:
        lang = r["language"] or "en"
        if lang not in seen:
            seen.add(lang)
            out.append(dict(r, language=lang, name=LANGUAGE_NAMES.get(lang, lang), rtl=lang in RTL))
    return out


def _units(conn: sqlite3.Connection, doc_id: str) -> list[dict]:
    return rows(conn, "select at, kind, text, start from paragraphs where document = ? and kind in ('paragraph', 'item') "
                      "union all select at, 'preamble', text, start from resolution_paragraphs where document = ? "
                      "and kind = 'preambular' order by start", [doc_id, doc_id])


def versions_page(conn: sqlite3.Connection, symbol: Optional[str], a: Optional[str], b: Optional[str]) -> Optional[dict]:
    held = versions_of(conn, symbol)
    if len(held) < 1:
        return None
    by_lang = {v["language"]: v for v in held}
    left = by_lang.get(a or "") or held[0]
    right = by_lang.get(b or "") or next((v for v in held if v is not left), left)
    lu, ru = _units(conn, left["id"]), _units(conn, right["id"])
    rmap = {u["at"]: u for u in ru}
    lset = {u["at"] for u in lu}
    pairs = []
    for u in lu:
        pairs.append(dict(at=u["at"], kind=u["kind"], left=u["text"], right=rmap[u["at"]]["text"] if u["at"] in rmap else None))
    only_right = [u for u in ru if u["at"] not in lset]
    for u in only_right:  # in the right version only: placed after the left's last paragraph with a lower offset
        pairs.append(dict(at=u["at"], kind=u["kind"], left=None, right=u["text"]))
    only_left = [p["at"] for p in pairs if p["right"] is None]
    return {"symbol": symbol, "versions": held, "left": left, "right": right, "pairs": pairs,
            "only_left": only_left, "only_right": [u["at"] for u in only_right]}
