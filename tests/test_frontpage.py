"""Front-page metadata: one model of a UN front page, whatever rendering carries it."""
from __future__ import annotations

from dataclasses import asdict

import pytest

from pipelines.corpus.parse import parse_bytes
from tests import renderings
from tests.conftest import SEED_FILES
from pipelines.corpus.ingest import BUNDLED


def _meta(text: str, name: str = "doc.txt"):
    doc = parse_bytes(text.encode("utf-8"), name)
    return doc.meta, doc


@pytest.mark.parametrize("rendering", ["markdown", "wide_columns", "read_across"])
@pytest.mark.parametrize("name", SEED_FILES)
def test_every_text_rendering_of_a_seed_gives_the_same_metadata(seeds, name, rendering):
    raw = (BUNDLED / name).read_text(encoding="utf-8")
    plain = parse_bytes(raw.encode(), name).meta
    other = parse_bytes(getattr(renderings, rendering)(raw).encode(), name).meta
    assert asdict(other) == asdict(plain)


@pytest.mark.parametrize("name", SEED_FILES)
def test_the_pdf_rendering_of_a_seed_gives_the_same_metadata(seeds, seed_pdfs, name):
    """The generated PDF prints the symbol the corpus gave the text (inferred there, printed here)."""
    pdf, text = asdict(seed_pdfs[name][1].meta), asdict(seeds[name].meta)
    assert pdf.pop("symbol_source") == ("printed" if text.pop("symbol_source") else None)
    assert pdf == text


GA_RESOLUTION = """United Nations
A/RES/74/276

General Assembly

Distr.: General
3 June 2020

Seventy-fourth session
Agenda item 106
Crime prevention and criminal justice

Resolution adopted by the General Assembly on 1 June 2020

[without reference to a Main Committee (A/74/L.58/Rev.1)]

74/276. Special session of the General Assembly against corruption

The General Assembly,

Recalling its resolution 73/191 of 17 December 2018, in which it decided to convene in the first half of 2021 a special session,

1. Decides that the special session shall be convened from 26 to 28 April 2021;
"""


def test_a_general_assembly_resolution_front_page():
    meta, doc = _meta(GA_RESOLUTION)
    assert (meta.symbol, meta.body, meta.session, meta.agenda_item, meta.date) == (
        "A/RES/74/276", "General Assembly", "Seventy-fourth session", 106, "2020-06-03")
    assert meta.doc_type == "Resolution adopted by the General Assembly"
    assert meta.title == "Special session of the General Assembly against corruption"
    assert meta.agenda_title == "Crime prevention and criminal justice"
    assert {e.field for e in doc.meta_evidence} >= {"symbol", "title", "date", "doc_type"}
    title = next(e for e in doc.meta_evidence if e.field == "title")
    assert doc.text[title.start:title.end] == meta.title


READ_ACROSS = ("United Nations CAC/COSP/2019/17 Conference of the States Parties to the United Nations Convention "
               "against Corruption Distr.: General 23 September 2019 Original: English Eighth session Abu Dhabi, "
               "16-20 December 2019 Item 4 of the provisional agenda* Asset recovery Progress report on asset "
               "recovery Note by the Secretariat I. Introduction 1. In its resolution 7/1, the Conference requested "
               "the Secretariat to continue to collect information. 2. The present report responds to it.\n")


def test_a_front_page_read_across_into_one_line():
    meta, _ = _meta(READ_ACROSS)
    assert (meta.symbol, meta.date, meta.session, meta.meeting_place, meta.meeting_dates, meta.agenda_item) == (
        "CAC/COSP/2019/17", "2019-09-23", "Eighth session", "Abu Dhabi", "16-20 December 2019", 4)
    assert (meta.agenda_title, meta.title, meta.doc_type) == (
        "Asset recovery", "Progress report on asset recovery", "Note by the Secretariat")


@pytest.mark.parametrize("tail, title", [
    ("Report of the Implementation Review Group on its fifth session, held in Vienna from 2 to 6 June 2014\n"
     "Contents\nPage\nI. Introduction . . . . 2\n",
     "Report of the Implementation Review Group on its fifth session, held in Vienna from 2 to 6 June 2014"),
    ("Report of the Conference of the States Parties to the United Nations Convention against Corruption on its "
     "fourth session, held in Marrakech from 24 to 28 October 2011 Contents\nParagraphs Page\n",
     "Report of the Conference of the States Parties to the United Nations Convention against Corruption on its "
     "fourth session, held in Marrakech from 24 to 28 October 2011"),
])
def test_the_title_stops_at_the_table_of_contents(tail, title):
    meta, _ = _meta("United Nations\nCAC/COSP/2011/14\nDistr.: General\n10 November 2011\nOriginal: English\n\n" + tail)
    assert meta.title == title
    assert meta.agenda_title is None


def test_the_place_and_session_printed_only_in_a_report_title():
    meta, _ = _meta("CAC/COSP/2011/14\nDistr.: General\n10 November 2011\nOriginal: English\n\nReport of the "
                    "Conference of the States Parties to the United Nations Convention against Corruption on its "
                    "fourth session, held in Marrakech from 24 to 28 October 2011\n\nContents\n")
    assert (meta.session, meta.meeting_place, meta.meeting_dates) == (
        "fourth session", "Marrakech", "24 to 28 October 2011")


def test_the_documents_own_symbol_is_not_a_reference_to_itself():
    _, doc = _meta(READ_ACROSS.replace("2. The present report", "2. The present report (CAC/COSP/2019/17)"))
    assert not [r for r in doc.references if r.id == "CAC/COSP/2019/17"]


HEADER = "United Nations\n{symbol}\n\nConference of the States Parties to the United Nations Convention against Corruption\n\nDistr.: General\n{date}\n\nOriginal: {lang}\n\n{title}"


@pytest.mark.parametrize("fields, field, says", [
    (dict(symbol="CAC/COSP/2017/[..]"), "symbol", "placeholder"),
    (dict(symbol="A/80/179–S/2025/468"), "symbol", "joint document"),
    (dict(date="23/9/2019"), "date", "not printed the UN way"),
    (dict(date="September 23, 2019"), "date", "not printed the UN way"),
    (dict(lang="French"), "language", "Original: French"),
    (dict(title=""), "title", "no title"),
    (dict(symbol="CAC /COSP/2019/17"), "symbol", "stray space"),
])
def test_doubtful_front_pages_are_read_and_flagged(fields, field, says):
    values = dict(symbol="CAC/COSP/2019/17", date="23 September 2019", lang="English", title="Asset recovery\n")
    values.update(fields)
    meta, doc = _meta(HEADER.format(**values), "odd.txt")
    warning = next((w for w in doc.warnings if f"front page, {field}:" in w), None)
    assert warning and says in warning and warning.startswith("odd.txt")
    if field == "date":
        assert meta.date == "2019-09-23"
    if "joint" in says:
        assert meta.symbol == "A/80/179"
    if "stray" in says:
        assert meta.symbol == "CAC/COSP/2019/17"
    if field != "title":
        assert meta.body == "Conference of the States Parties to the United Nations Convention against Corruption"


NO_HEADER = """Conference of the States Parties to the United Nations Convention against Corruption

Eighth session
Abu Dhabi, 16-20 December 2019

Implementation of chapter V (Asset recovery) of the Convention

1. In its resolution 7/1, the Conference requested the Secretariat to continue to collect information.
{header}
2. The present report was prepared pursuant to that request.
"""


@pytest.mark.parametrize("header", [
    "V.19-09617 2/14 CAC/COSP/2019/5",
    "CAC/COSP/2019/5 2/14 V.19-09617",
    "\nCAC/COSP/2019/5\n\n3. A third paragraph.\n\nCAC/COSP/2019/5\n",
])
def test_a_symbol_printed_only_in_the_running_header_names_the_document(header):
    meta, doc = _meta(NO_HEADER.format(header=header))
    assert (meta.symbol, meta.symbol_source) == ("CAC/COSP/2019/5", "printed")
    assert not [r for r in doc.references if r.id == "CAC/COSP/2019/5"]


def test_a_symbol_alone_on_one_line_is_not_taken_for_a_running_header():
    meta, _ = _meta(NO_HEADER.format(header="\nCAC/COSP/2019/5\n"))
    assert meta.symbol is None
