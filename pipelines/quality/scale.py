"""A corpus N times the bundled one, for measuring growth (``cosp bench --scale N``).

Copy ``k`` of every bundled document prints a symbol of its own (the seed's, or a
``CAC/COSP/SYN/<year>/`` one for a seed that prints none, with its last number moved by
``1000 * k``) and every symbol the copy's documents cite of each other is moved the same
way, so citations, symbol inference and duplicate checks behave within each copy as they
do in the seeds, and copies never collide.  Copy 0 is the bundled corpus with its symbols
printed.
"""
from __future__ import annotations

import re
from pathlib import Path

OFFSET = 1000


def _moved(symbol: str, k: int) -> str:
    return re.sub(r"(\d+)$", lambda m: str(int(m.group(1)) + OFFSET * k), symbol)


def seed_symbols() -> dict[str, str]:
    """File name -> the symbol each bundled document has once built (printed, inferred or synthetic)."""
    from pipelines.corpus.ingest import BUNDLED, ingest

    out = {}
    for i, doc in enumerate(ingest([BUNDLED]).documents):
        out[doc.file] = doc.meta.symbol or f"CAC/COSP/SYN/{(doc.meta.date or '2000')[:4]}/{i + 1}"
    return out


def scale_corpus(folder: Path, copies: int, symbols: dict[str, str] | None = None) -> Path:
    """Write ``copies`` copies of the bundled corpus into ``folder`` (created) and return it."""
    from pipelines.corpus.ingest import BUNDLED

    symbols = symbols or seed_symbols()
    folder.mkdir(parents=True, exist_ok=True)
    texts = {f.name: f.read_text(encoding="utf-8") for f in sorted(BUNDLED.iterdir()) if f.name in symbols}
    cited = re.compile("|".join(re.escape(s) for s in sorted(symbols.values(), key=len, reverse=True)) + r"(?!\d)")
    for k in range(copies):
        for name, text in texts.items():
            body = cited.sub(lambda m: _moved(m.group(0), k), text) if k else text
            (folder / f"{k:04d}_{name}").write_text(f"United Nations\n\n{_moved(symbols[name], k)}\n\n{body}",
                                                    encoding="utf-8")
    return folder
