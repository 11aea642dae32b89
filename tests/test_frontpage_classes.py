"""Front pages as real renderings print them (issue 23): each case a class of documents, with the
lines as a site transcript, a two-column reading or a PDF gives them."""
from __future__ import annotations

import pytest

from pipelines.corpus.parse import parse_bytes


def meta(text: str, name: str = "doc.txt"):
    return parse_bytes(text.encode("utf-8"), name)


READ_ACROSS = """United Nations CAC/COSP/2019/5

Conference of the States Parties Distr.: General 23 September 2019 to the United Nations Original: English Convention against Corruption

Eighth session Abu Dhabi, 16–20 December 2019 Item 5 of the provisional agenda* Asset recovery

Progress on the implementation of the activities of the Open-ended Intergovernmental Working Group on Asset Recovery

Note by the Secretariat

I. Introduction

1. In its resolution 1/4, the Conference established the Working Group.

______* CAC/COSP/2019/1.
"""


def test_a_two_column_header_read_across_gives_the_organ_the_date_and_the_agenda_note():
    d = meta(READ_ACROSS)
    assert d.meta.body == "Conference of the States Parties to the United Nations Convention against Corruption"
    assert d.meta.date == "2019-09-23" and d.meta.meeting_place == "Abu Dhabi"
    assert d.meta.agenda_symbol == "CAC/COSP/2019/1"  # the footnote printed in the text
    assert d.meta.title.startswith("Progress on the implementation")


@pytest.mark.parametrize("line, place", [
    ("Open-ended Intergovernmental Working Group on Asset Recovery Vienna, 6 and 7 June 2018", "Vienna"),
    ("Implementation Review Group Vienna, 12–14 November 2018", "Vienna"),
    ("Sixth session St. Petersburg, Russian Federation, 2-6 November 2015", "St. Petersburg, Russian Federation"),
    ("Ninth session\nSharm el-Sheikh, Egypt, 13–17 December 2021", "Sharm el-Sheikh, Egypt"),
    ("Second session Nice, France, 9–13 June 2025", "Nice, France"),
    ("Eleventh session Marrakech Rabat Group, 24–28 October 2011", None),  # no known place right before the dates
])
def test_the_meeting_place_is_a_known_place_or_nothing(line, place):
    d = meta(f"United Nations CAC/COSP/2019/5\n\nDistr.: General\n1 May 2019\nOriginal: English\n\n{line}\n\n"
             "Item 2 of the provisional agenda\nAsset recovery\n\nA title of the document\n\nNote by the Secretariat\n")
    assert d.meta.meeting_place == place
    assert d.meta.meeting_dates is not None
    if place is None:
        assert any("no known place" in w for w in d.warnings)


def test_an_official_records_edition_reads_its_organ_bracketed_date_and_dated_title():
    text = """United Nations E/2025/28

Economic and Social Council
Official Records, 2025
Supplement No. 8

Commission on Narcotic Drugs

Report on the sixty-eighth session
(6 December 2024 and 10–14 March 2025)

[3 April 2025]

Contents
"""
    d = meta(text)
    assert d.meta.body == "Economic and Social Council" and d.meta.date == "2025-04-03"
    assert d.meta.title == "Report on the sixty-eighth session (6 December 2024 and 10–14 March 2025)"
    assert d.meta.session == "sixty-eighth session" and d.meta.meeting_dates == "6 December 2024 and 10–14 March 2025"


def test_a_page_two_excerpt_is_read_from_its_running_header():
    text = ("Preventing and combating corrupt practices and the transfer of proceeds of corruption, facilitating "
            "asset recovery A/RES/69/199 Recognizing that fighting corruption at all levels is a priority, "
            "Recognizing also that education plays a fundamental role,\n")
    d = meta(text)
    assert d.meta.symbol == "A/RES/69/199" and d.meta.symbol_source == "printed"
    assert d.meta.title.startswith("Preventing and combating corrupt practices")


def test_a_list_of_documents_on_a_web_page_names_no_symbol_of_the_page():
    text = """Open-ended Intergovernmental Working Group on Prevention

Fourth Intersessional Meeting (Vienna, 26-28 August 2013)

Session documents

CAC/COSP/WG.4/2013/1 Annotated provisional agenda and proposed organization of work
CAC/COSP/WG.4/2013/2 Integrity in the judiciary
"""
    d = meta(text)
    assert d.meta.symbol is None
    assert {r.id for r in d.references if r.kind == "document"} >= {"CAC/COSP/WG.4/2013/1", "CAC/COSP/WG.4/2013/2"}


@pytest.mark.parametrize("title", [
    "Mr. Ibrahim Alsheddi, Mr. Mohamed Bennani, Ms. Laurence Boisson de Chazournes",  # a list of people
    "Countries around the world face legal constraints. The magnitude of the problem suggests a response.",  # prose
])
def test_what_cannot_be_a_title_is_left_empty_with_a_warning(title):
    d = meta(f"United Nations CAC/COSP/WG.2/2017/CRP.2\n\nDistr.: General\n1 May 2017\nOriginal: English\n\n{title}\n")
    assert d.meta.title is None and any("not a title" in w for w in d.warnings)


def test_a_joined_rendition_keeps_its_type_its_title_and_its_report_title_fields():
    text = ("United Nations CAC/COSP/IRG/2016/9/Add.1 Conference of the States Parties to the United Nations "
            "Convention against Corruption Distr.: General 28 November 2016 Original: English Report of the "
            "Implementation Review Group on its resumed seventh session, held in Vienna from 14 to 16 November 2016 "
            "Addendum I. Introduction 1. At its seventh session the Group decided to hold a resumed session. 2. It did.\n")
    d = meta(text)
    assert d.meta.doc_type == "Addendum" and d.meta.body == "Implementation Review Group"
    assert d.meta.title.endswith("14 to 16 November 2016")
    assert (d.meta.session, d.meta.meeting_place, d.meta.meeting_dates) == (
        "resumed seventh session", "Vienna", "14 to 16 November 2016")


def test_a_main_committee_draft_is_the_general_assemblys():
    text = """United Nations A/C.3/80/L.3

General Assembly Distr.: Limited
14 October 2025
Original: English

Eightieth session
Third Committee
Agenda item 107
Crime prevention and criminal justice

Italy: draft resolution

Strengthening the United Nations crime prevention and criminal justice programme
"""
    assert meta(text).meta.body == "General Assembly"


@pytest.mark.parametrize("glued, mended", [
    ("Conference of the States Partiesto the United NationsConvention against Corruption",
     "Conference of the States Parties to the United Nations Convention against Corruption"),
    ("on itsfourth session, held in Marrakech from 24 to 28 October2011",
     "on its fourth session, held in Marrakech from 24 to 28 October 2011"),
    ("the General Assembly adoptedresolution 73/191entitled", "the General Assembly adopted resolution 73/191 entitled"),
    ("CAC/COSP/WG.4/2012/INF.1Final list of participants", "CAC/COSP/WG.4/2012/INF.1 Final list of participants"),
    ("the GlobE Network, StAR, CARIN; Ms. Anyango; www.unodc.org/compauth_uncac/en/index.html; cryptocurrencies",
     "the GlobE Network, StAR, CARIN; Ms. Anyango; www.unodc.org/compauth_uncac/en/index.html; cryptocurrencies"),
])
def test_glued_words_are_split_only_where_a_token_is_no_word(glued, mended):
    from extract.readers.glued import unglue

    assert unglue(glued)[0] == mended


@pytest.mark.parametrize("broken, mended", [
    ("Directory of Asset Recovery Networks Docume nt submitte d for circulation by Stolen Asset Recovery Initiative",
     "Directory of Asset Recovery Networks Document submitted for circulation by Stolen Asset Recovery Initiative"),
    ("Parag ra ph s Pa ge", "Paragraphs Page"),
    # words the web corpus writes apart stay apart; names and foreign words stay as printed
    ("we can not go in to the room a head of time", "we can not go in to the room a head of time"),
    ("Ms. laurence Boisson de Chazournes of Côte d Ivoire", "Ms. laurence Boisson de Chazournes of Côte d Ivoire"),
])
def test_words_an_extractor_broke_apart_are_joined_only_into_common_words(broken, mended):
    from extract.readers.glued import rejoin

    assert rejoin(broken)[0] == mended


def test_a_conference_room_paper_circulated_for_an_outside_body_has_its_title_and_type():
    d = meta("CAC/COSP/W G.2/2018/CRP.4\n\n4 June 2018\n\nEnglish only\n\nV.18-03851 (E)\n\n*1803851*\n\n"
             "Open-ended Intergovernmental Working\n\nGroup on Asset Recovery\n\n12th session\n\n"
             "Vienna, 6 and 7 June 2018\n\nDirectory of Asset Recovery Networks\n\n"
             "Document submitted for circulation by\n\nStolen Asset Recovery Initiative (StAR), World Bank/UNODC\n\n"
             "Introduction\n\nDespite efforts to crack down on illicit financial flows, money laundering continues.\n")
    assert d.meta.title == "Directory of Asset Recovery Networks"
    assert d.meta.doc_type == "Document submitted for circulation by Stolen Asset Recovery Initiative (StAR), World Bank/UNODC"


@pytest.mark.parametrize("opening, fields", [
    ("Resolutions and decisions adopted by the Conference\n\n1. At its fifth session, held in Panama City, Panama, "
     "from 25 to 29 November 2013, the Conference of the States Parties to the United Nations Convention against "
     "Corruption adopted the following resolutions:",
     {"session": "fifth session", "meeting_place": "Panama City, Panama", "meeting_dates": "25 to 29 November 2013",
      "body": "Conference of the States Parties to the United Nations Convention against Corruption"}),
    ("At its seventh session, held in Vienna from 6 to 10 November 2017, the Conference of the States Parties to the "
     "United Nations Convention against Corruption adopted the following resolutions.",
     {"session": "seventh session", "meeting_place": "Vienna", "meeting_dates": "6 to 10 November 2017",
      "body": "Conference of the States Parties to the United Nations Convention against Corruption"}),
    ("At its first session, held in Zorbaxia from 1 to 3 May 2001, the Friends of the Ocean adopted a text.",
     {"session": "first session", "meeting_place": None, "meeting_dates": "1 to 3 May 2001", "body": None}),  # no known place or body
])
def test_a_text_without_a_front_page_takes_its_meeting_from_its_opening_sentence(opening, fields):
    d = meta(opening + "\n\nResolution 5/1\n\n1. Requests States parties to cooperate closely with each other.\n")
    assert {k: getattr(d.meta, k) for k in fields} == fields


def test_the_opening_sentence_is_not_read_where_a_front_page_names_the_meeting_or_far_into_a_text():
    d = meta(READ_ACROSS.replace("1. In its resolution 1/4, the Conference established the Working Group.",
                                 "1. At its fifth session, held in Panama City, Panama, from 25 to 29 November 2013, "
                                 "the Conference adopted resolution 5/1."))
    assert d.meta.session == "Eighth session" and d.meta.meeting_place == "Abu Dhabi"
    far = meta("A page about corruption\n\n" + "Some words about the Convention. " * 60 + "\n\n1. At its fifth "
               "session, held in Panama City, Panama, from 25 to 29 November 2013, the Conference of the States "
               "Parties to the United Nations Convention against Corruption adopted resolutions.\n")
    assert far.meta.session is None and far.meta.meeting_place is None


def test_an_intersessional_meetings_report_read_as_one_line_names_its_body_place_and_dates():
    """A site transcript of a meeting report's front page on one line: the title names the body
    after "of the", which is no masthead to cut there, and says where and when it met."""
    text = ("United Nations CAC/COSP/WG.2/2018/6 Conference of the States Parties to the United Nations Convention "
            "against Corruption Distr.: General 5 July 2018 Original: English V.18-04739 (E) 160718 170718 *1804739* "
            "Report on the meeting of the Open-ended Intergovernmental Working Group on Asset Recovery held in Vienna "
            "on 6 and 7 June 2018 I. Introduction 1. In its resolutions 1/4, 2/3 and 7/1, the Conference established "
            "and decided to continue the work of the Working Group. 2. In its resolution 7/1, the Conference welcomed "
            "the outcome of the meetings of the Working Group and invited it to propose future agenda items.\n")
    doc = meta(text)
    m = doc.meta
    assert m.title == ("Report on the meeting of the Open-ended Intergovernmental Working Group on Asset Recovery "
                       "held in Vienna on 6 and 7 June 2018")
    assert (m.body, m.meeting_place, m.meeting_dates) == (
        "Open-ended Intergovernmental Working Group on Asset Recovery", "Vienna", "6 and 7 June 2018")
    invite = next(x for x in doc.mandates if x.verb == "invite")
    assert (invite.addressee, invite.action) == ("it", "propose future agenda items")  # a pronoun, as printed


@pytest.mark.parametrize("heading", ["Resolutions adopted by", "Resolutions and decisions adopted by"])
def test_a_compilation_of_adopted_resolutions_is_titled_by_its_heading(heading):
    """No front page: the heading before the opening sentence ("At its seventh session, held in
    Vienna, ...") is the title, when it is the UN's compilation heading and names a known body."""
    text = (f"V.18-00228 (E) *1800228*\n\n{heading} the Conference of the States Parties to the United Nations "
            "Convention against Corruption\n\nA. Resolutions\n\n1. At its seventh session, held in Vienna, from 6 to "
            "10 November 2017, the Conference of the States Parties to the United Nations Convention against "
            "Corruption adopted the following resolutions:\n")
    m = meta(text).meta
    assert m.title == f"{heading} the Conference of the States Parties to the United Nations Convention against Corruption"
    assert (m.session, m.meeting_place, m.meeting_dates) == ("seventh session", "Vienna", "6 to 10 November 2017")
    other = meta(text.replace("the Conference of the States Parties to the United Nations Convention against "
                              "Corruption\n\nA.", "the Board of Trustees\n\nA.")).meta
    assert other.title is None  # no body the registry knows: no title
