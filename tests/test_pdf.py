"""PDF input: the same paragraphs and footnotes from a UN-layout PDF as from the text."""
from __future__ import annotations

import re

import pytest

from tests.conftest import SEED_FILES


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


@pytest.mark.parametrize("name", SEED_FILES)
def test_pdf_text_parity_paragraphs(seeds, seed_pdfs, name):
    _, pdf_doc = seed_pdfs[name]
    text_doc = seeds[name]
    assert [(p.at, _norm(p.text)) for p in pdf_doc.paragraphs] == [(p.at, _norm(p.text)) for p in text_doc.paragraphs]


@pytest.mark.parametrize("name", SEED_FILES)
def test_pdf_text_parity_footnotes(seeds, seed_pdfs, name):
    _, pdf_doc = seed_pdfs[name]
    assert [(f.at, _norm(f.text)) for f in pdf_doc.footnotes] == [(f.at, _norm(f.text)) for f in seeds[name].footnotes]


@pytest.mark.parametrize("name", SEED_FILES)
def test_pdf_units_carry_pages_and_no_running_header_or_footer(seed_pdfs, name):
    _, doc = seed_pdfs[name]
    assert doc.format == "pdf" and doc.pages > 1
    assert all(p.page is not None for p in doc.paragraphs)
    pages = [p.page for p in doc.paragraphs]
    assert pages == sorted(pages) and pages[0] == 1 and pages[-1] <= doc.pages
    for unit in doc.paragraphs + doc.footnotes:
        assert not re.search(r"V\.18-02212|\*\d{7}\*|\b\d{1,2}/\d{1,2}\b(?! )$", unit.text)


def test_pdf_header_symbol_is_the_printed_symbol(seeds, seed_pdfs):
    _, doc = seed_pdfs["000_de38badff640f652.txt"]
    assert (doc.meta.symbol, doc.meta.symbol_source) == ("CAC/COSP/WG.2/2018/5", "printed")


def test_pdf_metadata_matches_text_metadata(seeds, seed_pdfs):
    for name in SEED_FILES:
        text_meta, pdf_meta = seeds[name].meta, seed_pdfs[name][1].meta
        for field in ("date", "body", "meeting_place", "meeting_dates", "agenda_item", "agenda_title", "title",
                      "doc_type", "agenda_symbol"):
            assert getattr(pdf_meta, field) == getattr(text_meta, field), (name, field)


def test_pdf_guideline_paragraphs_match_text(seeds, seed_pdfs):
    for name in ("000_de38badff640f652.txt", "001_2874813f072c823d.txt"):
        text_g = [(p.at, _norm(p.text)) for g in seeds[name].guidelines for p in g.paragraphs]
        pdf_g = [(p.at, _norm(p.text)) for g in seed_pdfs[name][1].guidelines for p in g.paragraphs]
        assert pdf_g == text_g
