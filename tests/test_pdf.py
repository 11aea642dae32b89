"""PDF input: the same paragraphs and footnotes from a UN-layout PDF as from the text."""
from __future__ import annotations

import re

import pytest

from pipelines.corpus.parse import parse_bytes
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


def _canvas_pdf(draw, pagesize=(595.0, 842.0), **kw) -> bytes:
    import io

    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf, pagesize=pagesize, **kw)
    draw(c)
    c.save()
    return buf.getvalue()


def _front(c):
    c.setFont("Times-Roman", 10)
    c.drawString(72, 760, "1. The Conference requested the Secretariat to report on the implementation of resolution 8/9.")
    c.showPage()


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_a_password_protected_pdf_is_named_as_such(engine):
    from extract.errors import ReadError
    from extract.readers.pdf import read_pdf

    with pytest.raises(ReadError) as err:
        read_pdf(_canvas_pdf(_front, encrypt="secret"), "locked.pdf", engine)
    assert "password-protected" in err.value.message and "unprotected copy" in err.value.hint


def test_a_scanned_page_among_text_pages_is_named_and_the_rest_is_read():
    def draw(c):
        _front(c)
        c.rect(100, 100, 300, 300, fill=1)  # a page that is only an image
        c.showPage()
    doc = parse_bytes(_canvas_pdf(draw), "mixed.pdf")
    assert any("page(s) 2 have no text layer" in w and "OCR" in w for w in doc.warnings)
    assert [p.at for p in doc.paragraphs] == ["1"]


def test_a_landscape_page_is_flagged_as_a_table():
    def draw(c):
        c.setFont("Times-Roman", 10)
        c.drawString(72, 500, "Table 1 Contributions received in 2025 by donor and purpose")
        c.showPage()
    doc = parse_bytes(_canvas_pdf(draw, pagesize=(842.0, 595.0)), "annex.pdf")
    assert any("page(s) 1 are landscape" in w for w in doc.warnings)


@pytest.mark.parametrize("name", SEED_FILES)
def test_the_pdfplumber_engine_reads_the_generated_pdfs_as_pypdfium2_does(seed_pdfs, name):
    """pdfplumber is the parity reference of the default engine, on every generated PDF."""
    path, pdfium_doc = seed_pdfs[name]
    plumber_doc = parse_bytes(path.read_bytes(), path.name, "pdfplumber")
    assert [(p.at, _norm(p.text)) for p in plumber_doc.paragraphs] == [(p.at, _norm(p.text)) for p in pdfium_doc.paragraphs]
    assert [(f.at, _norm(f.text)) for f in plumber_doc.footnotes] == [(f.at, _norm(f.text)) for f in pdfium_doc.footnotes]


@pytest.fixture(scope="module")
def real_trait_pdfs(seeds):
    from tests.pdf_fixture import render_pdf

    return {name: parse_bytes(render_pdf(doc, real_traits=True), name.replace(".txt", ".pdf"))
            for name, doc in seeds.items()}


@pytest.mark.parametrize("name", SEED_FILES)
def test_pdfs_with_real_traits_read_as_the_text(seeds, real_trait_pdfs, name):
    """Justified lines without space characters, front-page lines far apart, footnotes above the
    page bottom: the paragraphs, footnotes and metadata of the text, still."""
    pdf, text = real_trait_pdfs[name], seeds[name]
    assert [(p.at, _norm(p.text)) for p in pdf.paragraphs] == [(p.at, _norm(p.text)) for p in text.paragraphs]
    assert [(f.at, _norm(f.text)) for f in pdf.footnotes] == [(f.at, _norm(f.text)) for f in text.footnotes]
    for field in ("date", "body", "title", "doc_type", "agenda_item", "meeting_place"):
        assert getattr(pdf.meta, field) == getattr(text.meta, field), field


@pytest.mark.parametrize("line, notes", [
    ("2 Ibid., vol. 976. 3 Ibid., vol. 1019.", ["2 Ibid., vol. 976.", "3 Ibid., vol. 1019."]),
    # a citation's number after an abbreviation is no next note (A/RES/79/191, footnote 7)
    ("7 See Official Records of the Economic and Social Council, 2019, Supplement No. 8 (E/2019/28), chap. I",
     ["7 See Official Records of the Economic and Social Council, 2019, Supplement No. 8 (E/2019/28), chap. I"]),
    ("4 United Nations, Treaty Series, vol. 5 and para. 6 of the report.",
     ["4 United Nations, Treaty Series, vol. 5 and para. 6 of the report."]),
])
def test_short_footnotes_on_one_line_are_cut_only_at_the_next_notes_number(line, notes):
    from extract.readers.pdf_layout import _side_by_side

    assert _side_by_side(line) == notes
