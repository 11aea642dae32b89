"""Shared fixtures: the bundled seeds parsed once, their answer keys, PDFs made from them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.corpus.ingest import BUNDLED, ingest

TESTS = Path(__file__).parent
GOLD = TESTS / "gold"
SEED_FILES = sorted(p.name for p in BUNDLED.glob("*.txt"))


def load_gold(name: str) -> dict:
    return json.loads((GOLD / name.replace(".txt", ".json")).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seeds():
    """The bundled corpus parsed as `cosp build` parses it (symbols inferred across files)."""
    corpus = ingest([BUNDLED])
    assert not [e for e in corpus.errors if e.severity == "error"], corpus.errors
    return {d.file: d for d in corpus.documents}


@pytest.fixture(scope="session")
def seed_pdfs(seeds, tmp_path_factory):
    """Each seed rendered as a UN-layout PDF, then parsed back."""
    pytest.importorskip("reportlab")
    from pipelines.corpus.parse import parse_bytes
    from tests.pdf_fixture import render_pdf

    out = {}
    folder = tmp_path_factory.mktemp("pdfs")
    for name, doc in seeds.items():
        data = render_pdf(doc)
        path = folder / name.replace(".txt", ".pdf")
        path.write_bytes(data)
        out[name] = (path, parse_bytes(data, str(path)))
    return out
