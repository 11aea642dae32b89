"""Real UN PDFs (from ../shared, never copied here): the project's answer keys, and parity of the
two PDF engines.  Skipped, saying why, when ../shared is not beside the repository."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from pipelines.quality.evaluate import PROJECT_GOLD, evaluate
from pipelines.corpus.parse import parse_path

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "real-pdfs"
KEYS = PROJECT_GOLD / "pdfs"
NAMES = sorted(json.loads(f.read_text(encoding="utf-8"))["file"] for f in KEYS.glob("*.json"))

pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason=f"{REAL} is absent: the real PDFs live in ../shared "
                                                          "and are not copied into the repository")


@pytest.fixture(scope="module")
def report():
    return evaluate(KEYS, REAL)


def test_the_real_pdf_keys_score_as_the_issue_requires(report):
    rows = {r.field: r for r in report.rows}
    assert rows["documents"].tp == 9
    assert rows["meta (all fields)"].exact >= 0.95
    assert rows["paragraph_count"].exact == 1.0 and rows["footnote_count"].exact == 1.0  # 9 of 9 each
    assert rows["mandates"].f1 >= 0.90


@pytest.mark.parametrize("name", NAMES)
def test_both_pdf_engines_give_the_same_paragraphs_and_footnotes(name):
    a, b = parse_path(REAL / name, "pdfium"), parse_path(REAL / name, "pdfplumber")
    assert [p.at for p in a.paragraphs] == [p.at for p in b.paragraphs]
    assert [f.at for f in a.footnotes] == [f.at for f in b.footnotes]
    for x, y in zip(a.paragraphs, b.paragraphs):
        assert fuzz.ratio(re.sub(r"\s+", " ", x.text), re.sub(r"\s+", " ", y.text)) >= 90, x.at


@pytest.mark.parametrize("name, at, text", [
    # A footnote mark raised above the line stays with its word; the words keep their spaces.
    ("A_RES_78_229.pdf", "pp2", "the United Nations Convention against Corruption⁵ and all the international conventions"),
    # A mark that opens one of PDFium's runs ("decision 1/CMA.5,¹⁸ and calls upon") keeps its line's order.
    ("A_HRC_RES_59_25.pdf", "7", "including decision 1/CMA.5,¹⁸ and calls upon countries to contribute"),
    # "money-" at a line end and "laundering" on the next are one word.
    ("A_C.2_80_L.23.pdf", "43", "tax evasion and money-laundering in accordance with national legislation"),
])
def test_pdf_text_is_read_as_printed(name, at, text):
    doc = parse_path(REAL / name)
    unit = next(u for u in doc.paragraphs + doc.preamble if u.at == at)
    assert text in re.sub(r"\s+", " ", unit.text)


def test_short_footnotes_at_the_bottom_of_a_page_are_kept_and_table_figures_are_not_footnotes():
    doc = parse_path(REAL / "A_RES_78_229.pdf")
    fns = {f.at: f.text for f in doc.footnotes}
    assert fns["fn2"].startswith("Ibid., vol. 976") and fns["fn6"] == "See A/CONF.234/16."
    budget = parse_path(REAL / "A_81_6_Sect.16.pdf")  # tables and charts full of small figures
    assert [f.at for f in budget.footnotes] == ["fn*", "fn**", "fn***", "fn1", "fn2", "fn3"]
    assert [p.at for p in budget.paragraphs][:2] == ["16.1", "16.2"] and len(budget.paragraphs) == 147
