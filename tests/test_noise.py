"""Text other tools extracted from UN PDFs: each kind of damage is repaired (written from scratch)."""
from __future__ import annotations

import pytest

from pipelines.corpus.parse import parse_bytes


def parse(text: str):
    return parse_bytes(text.encode("utf-8"), "noisy.txt")


FRONT = ("United Nations CAC/COSP/2019/5 Conference of the States Parties to the United Nations Convention "
         "against Corruption Distr.: General 23 September 2019 Original: English Eighth session Abu Dhabi, "
         "16-20 December 2019 Item 4 of the provisional agenda * Asset recovery Progress report on the "
         "implementation of the mandates of the Working Group on Asset Recovery Note by the Secretariat "
         "I. Introduction 1. In its resolution 1/4, the Conference established the Working Group. "
         "2. In the same resolution, the Conference tasked the Working Group with advising it. "
         "3. At its second to seventh sessions, the Conference decided to continue the work of the Group.")


def test_front_page_and_paragraphs_read_as_one_line():
    doc = parse(FRONT)
    m = doc.meta
    assert (m.symbol, m.symbol_source, m.date) == ("CAC/COSP/2019/5", "printed", "2019-09-23")
    assert (m.session, m.meeting_place, m.meeting_dates, m.agenda_item) == (
        "Eighth session", "Abu Dhabi", "16-20 December 2019", 4)
    assert m.agenda_title == "Asset recovery"
    assert m.title == "Progress report on the implementation of the mandates of the Working Group on Asset Recovery"
    assert m.doc_type == "Note by the Secretariat"
    assert [p.at for p in doc.paragraphs] == ["1", "2", "3"]
    assert doc.paragraphs[1].text.startswith("In the same resolution")


def test_numbers_inside_sentences_do_not_split_paragraphs():
    doc = parse(FRONT.replace("advising it.", "advising it on article 5. 7. It also noted progress."))
    assert [p.at for p in doc.paragraphs] == ["1", "2", "3"]


def test_running_headers_and_job_numbers_inline_are_removed():
    text = (FRONT + " 4. The Secretariat V.19-09617 (E) 031019 041019 *1909617* circulated a note verbale. "
            "5. Replies were received CAC/COSP/2019/5 2/14 from 40 States.")
    doc = parse(text)
    assert doc.paragraphs[3].text == "The Secretariat circulated a note verbale."
    assert doc.paragraphs[4].text == "Replies were received from 40 States."


def test_two_column_front_page_read_across():
    text = ("Conference of the States Parties Distr.: General\n"
            "23 September 2019 to the United Nations Original: English\n"
            "Convention against Corruption\n\n"
            "Implementation Review Group\nTenth session\nVienna, 16-18 September 2019\n\n"
            "I. Introduction\n\n1. The Group met in Vienna.\n")
    doc = parse(text)
    assert doc.meta.date == "2019-09-23"
    assert doc.meta.body == "Implementation Review Group"
    assert doc.meta.meeting_place == "Vienna"


def test_layout_preserving_extraction_with_wide_indentation():
    text = ("                                                   Distr.: General\n"
            "                                                   4 April 2018\n\n"
            "            I.   Introduction\n\n"
            "            1.   In its resolution 6/2, the Conference directed the Working Group\n"
            "                 to initiate the process of identifying best practices.\n\n"
            "            2.   The General Assembly, in its resolution 71/208, encouraged States\n"
            "                 parties to use informal channels.\n")
    doc = parse(text)
    assert [p.at for p in doc.paragraphs] == ["1", "2"]
    assert doc.paragraphs[0].text == ("In its resolution 6/2, the Conference directed the Working Group to initiate "
                                      "the process of identifying best practices.")


def test_one_token_per_line_labels_are_glued_to_their_text():
    text = ("Distr.: General\n1 December 2009\nOriginal: English\n\nContents\nI.\nIntroduction\n3\nII.\n"
            "Organization of the session\n4-40\n\nI.\nIntroduction\n\n1.\nThe Conference met in Doha.\n")
    doc = parse(text)
    assert "I. Introduction" in [h.at for h in doc.headings]
    assert [p.at for p in doc.paragraphs] == ["1"]
    assert doc.paragraphs[0].text == "The Conference met in Doha."


def test_underscore_footnote_separator_keeps_footnotes_out_of_paragraphs():
    text = ("I. Introduction\n\n1. Replies were received from 10 States parties.¹\n\n"
            "__________________\n\n¹ Armenia, Czechia and Germany.\n\n2. The next paragraph.\n")
    doc = parse(text)
    assert [p.text for p in doc.paragraphs] == ["Replies were received from 10 States parties.¹",
                                               "The next paragraph."]
    assert [(f.at, f.text, f.anchor) for f in doc.footnotes] == [("fn1", "Armenia, Czechia and Germany.", "1")]


@pytest.mark.parametrize("broken, fixed", [
    ("open -ended intergovernmental working group", "open-ended intergovernmental working group"),
    ("promoting public - private partnership", "promoting public-private partnership"),
    ("education in the context of anti - corruption", "education in the context of anti-corruption"),
])
def test_hyphens_split_by_a_space_are_rejoined(broken, fixed):
    text = "Distr.: General 4 April 2018\n\nI. Introduction\n\n1. The " + broken + " met. 2. Next one here."
    doc = parse(text)
    assert fixed in doc.paragraphs[0].text


def test_web_page_chrome_around_the_document_is_dropped():
    text = ("Download as pdf or txt\nYou are on page 1of 49\n\n37\n" + FRONT + "\n\nTranscript of CAC/COSP/2019/5")
    doc = parse(text)
    assert doc.meta.symbol == "CAC/COSP/2019/5"
    assert all("Download" not in u.text and "Transcript" not in u.text for u in doc.units())


def test_clean_text_is_left_alone():
    text = "Distr.: General\n5 April 2018\n\nI. Introduction\n\n1. A clean paragraph, as converted.\n"
    assert parse(text).format == "text"


@pytest.mark.parametrize("raw, symbol", [
    ("CAC/COSP/2019/5 2/14\n\n1. Text of the page.\n", "CAC/COSP/2019/5"),  # at a line's start
    ("text of the page CAC/COSP/2019/5 2/14 more text", "CAC/COSP/2019/5"),  # inline, after a space
    ("2/14 CAC/COSP/2019/5\nText", "CAC/COSP/2019/5"),  # the page number first
    ("1. As in document XCAC/COSP/2019/5 2/14 of", None),  # glued to a word: no header
    ("A/RES/74/276\nText\nA/RES/74/276\n", "A/RES/74/276"),  # alone on a line, on two pages
    ("A/RES/74/276\nText once\n", None),  # alone once: a front page prints its symbol once too
])
def test_a_running_header_names_the_document(raw, symbol):
    from extract.readers.noise import running_symbol

    assert running_symbol(raw) == symbol


@pytest.mark.parametrize("line, noisy", [
    ("The Secretariat 19-09617 (E) 031019 circulated it.", True),  # a job number without its "V."
    ("as in document A/19-09617 (E) of", False),  # after a slash: part of a symbol, not a job number
    ("Contents . . . . . . . 4", False),  # one dot leader is a table of contents line, not damage
    ("The open -ended working group met.", True),
    ("The open-ended working group met.", False),
])
def test_damage_is_told_from_clean_text_line_by_line(line, noisy):
    from extract.readers.noise import looks_noisy

    assert looks_noisy("I. Introduction\n\n" + line + "\n\n1. A clean paragraph of text.\n") is noisy
