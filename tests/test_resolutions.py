"""Resolution texts: one record per resolution, parts addressed as delegates cite them."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.quality.evaluate import evaluate
from pipelines.corpus.parse import parse_bytes, parse_path

TYPED = Path(__file__).parent / "gold" / "resolutions"


def test_a_session_report_chapter_gives_one_record_per_resolution_with_restarted_numbering():
    doc = parse_path(TYPED / "cosp_report_chapter.txt")
    assert [(r.id, r.title, r.body) for r in doc.resolutions] == [
        ("8/9", "Strengthening asset recovery to support the 2030 Agenda for Sustainable Development", "Conference"),
        ("8/10", "Promoting the role of the private sector", "Conference")]
    parts = [p.address for p in doc.resolutions[0].parts]
    assert parts[:3] == ["8/9/pp1", "8/9/pp2", "8/9/pp3"] and "8/9/op3(a)" in parts and "8/9/op4" in parts
    assert [p.at for p in doc.paragraphs if "/" not in p.at] == ["1", "2"]  # the report's own numbering stays


def test_operative_mandates_carry_the_resolutions_own_id_and_preamble_recalls_are_sightings():
    doc = parse_path(TYPED / "cosp_report_chapter.txt")
    got = {(m.at, m.verb, m.resolution) for m in doc.mandates}
    assert ("8/9/op1", "request", "8/9") in got and ("8/10/op1", "urge", "8/10") in got
    assert ("8/9/pp2", "request", "7/1") in got  # "Recalling also its resolution 7/1 ..., in which it requested"
    assert not any(m.verb in ("adopt", "note") for m in doc.mandates)


@pytest.mark.parametrize("sentence, verb", [
    ("1. Reaffirms its commitment to the Convention;", None),
    ("1. Endorses the conclusions of the Working Group, in line with established practice;", None),
    ("1. Also requests the Secretariat to report on the implementation of the present resolution;", "request"),
    ("1. Further decides to convene an expert meeting on asset recovery in 2020;", "decide"),
])
def test_operative_verbs(sentence, verb):
    text = f"Resolution 9/1\nA title\n\nThe Conference of the States Parties to the United Nations Convention against Corruption,\n\nRecalling chapter V of the Convention,\n\n{sentence}\n"
    doc = parse_bytes(text.encode(), "r.txt")
    assert [m.verb for m in doc.mandates] == ([verb] if verb else [])
    assert all(m.resolution == "9/1" for m in doc.mandates)


def test_issuer_context_does_not_leak_from_an_earlier_clause():
    doc = parse_path(TYPED / "ga_resolution.txt")
    ids = {r.id for r in doc.references}
    assert {"A/RES/73/190", "A/RES/73/191", "HRC 35/25"} <= ids and "HRC 73/190" not in ids


def test_a_resolution_cut_before_its_operative_part_is_flagged():
    text = "Resolution 9/2\nA title\n\nThe Conference of the States Parties to the United Nations Convention against Corruption,\n\nRecalling its resolution 8/9,\n"
    doc = parse_bytes(text.encode(), "cut.txt")
    assert any("cut.txt: resolution 9/2" in w and "before any operative paragraph" in w for w in doc.warnings)


def test_the_typed_resolution_keys_score_as_the_issue_requires():
    report = evaluate(TYPED, TYPED)
    brv = report.row("mandates (body, resolution, verb)")
    assert brv.f1 >= 0.9 and report.row("mandates").f1 >= 0.9
    assert report.row("meta (all fields)").exact >= 0.95


@pytest.fixture(scope="module")
def typed_db(tmp_path_factory):
    """The typed resolution texts and a progress report on them, built into one database."""
    import sqlite_utils

    from pipelines.database.build import build

    folder = tmp_path_factory.mktemp("typed")
    for f in TYPED.glob("*.txt"):
        (folder / f.name).write_bytes(f.read_bytes())
    db = folder / "cosp.db"
    build([folder], db, cache_dir=None)
    return sqlite_utils.Database(db)


@pytest.mark.parametrize("at, source", [
    ("1", "cosp_report_chapter.txt#8/9/op1"),  # "the Conference requested the Secretariat to continue to develop ..."
    ("2", "cosp_report_chapter.txt#8/9/op3(a)"),  # "decided that the Working Group should continue its work by gathering ..."
    ("4", "ga_resolution.txt#A/RES/74/276/op2"),  # a General Assembly text: "requested the President ... to convene"
    ("3", None),  # 7/1: its text is not in the corpus, the sighting keeps the resolution id only
])
def test_a_report_on_a_mandate_links_to_the_operative_paragraph_that_gave_it(typed_db, at, source):
    row = next(typed_db.query("select * from mandates where document = 'progress_report.txt' and at = ?", [at]))
    assert row["source"] == source
    if source:
        assert row["source_score"] >= 75 and row["mandate"] == next(typed_db.query(
            "select id from mandates where at_source = 1 and source = ?", [source]))["id"]
    else:
        assert row["resolution"] == "7/1" and row["source_score"] is None


def test_the_mandate_timeline_starts_at_the_operative_paragraph(typed_db):
    mandate = next(typed_db.query("select mandate from mandates where document = 'progress_report.txt' and at = '1'"))
    steps = list(typed_db.query("select * from mandate_threads where mandate = ?", [mandate["mandate"]]))
    assert [(s["document"], s["at_source"]) for s in steps] == [("CAC/COSP/2019/17", 1), ("CAC/COSP/WG.2/2020/3", 0)]
    assert steps[0]["cite"] == "CAC/COSP/2019/17, resolution 8/9, para. 1"


def test_a_sighting_that_matches_no_operative_paragraph_is_not_forced_onto_one():
    from extract.lineage import Sighting, build_lineage

    def s(key, action, verb="request", part=None, at="1"):
        return Sighting(key, key.split("#")[0], "2020-01-01", at, "Conference", "8/9", verb, action, "the Secretariat",
                        part)
    lineage = build_lineage([
        s("res#op1#request", "continue to develop non-binding guidelines on the timely sharing of information",
          part="res#8/9/op1"),
        s("res#op2#request", "report to the Conference at its ninth session on the implementation of the present "
          "resolution", part="res#8/9/op2"),
        s("rep#4#request", "organize a regional workshop on beneficial ownership transparency in Africa"),
    ])
    assert "rep#4#request" not in lineage.source_of
    assert lineage.mandate_of["res#op1#request"] != lineage.mandate_of["res#op2#request"]


def test_a_resolution_printed_twice_keeps_both_texts_and_says_which_one_is_described(tmp_path):
    from pipelines.corpus.ingest import ingest

    chapter = (TYPED / "cosp_report_chapter.txt").read_text(encoding="utf-8")
    page = chapter[chapter.index("Resolution 8/9"):chapter.index("Resolution 8/10")]
    (tmp_path / "report.txt").write_text(chapter, encoding="utf-8")
    (tmp_path / "web_page.txt").write_text(page, encoding="utf-8")
    corpus = ingest([tmp_path])
    assert [len([r for r in d.resolutions if r.id == "8/9"]) for d in corpus.documents] == [1, 1]
    warning = next(e for e in corpus.errors if e.stage == "resolution")
    assert "resolution 8/9 is printed in 2 places" in warning.message and "web_page.txt" in warning.message
    assert warning.severity == "warning"


def test_the_resolution_page_shows_its_text_what_each_paragraph_gave_and_who_reported_on_it(typed_db):
    import asyncio
    import re

    from pipelines.publish.serve import datasette_instance

    ds = datasette_instance(typed_db.conn.execute("pragma database_list").fetchone()[2])
    page = asyncio.run(ds.client.get("/-/cosp/resolution?id=8/9"))
    assert page.status_code == 200
    text = page.text
    assert "Strengthening asset recovery to support the 2030 Agenda" in text
    assert text.index("8/9/pp2") < text.index("8/9/op1") < text.index("8/9/op3(a)")
    op1 = text[text.index('id="8/9/op1"'):text.index('id="8/9/op2"')]
    assert "reported on in 1 later place;" in op1 and "/-/cosp/mandate?thread=" in op1
    name = typed_db.conn.execute("select name from documents where id = 'progress_report.txt'").fetchone()[0]
    assert name in text  # the report citing it, by its name
    row = re.search(r'href="(/[^"]+/resolutions/[^"]+)">Its record as data', text).group(1)
    assert asyncio.run(ds.client.get(row)).status_code == 200
    assert asyncio.run(ds.client.get("/-/cosp/resolution?id=9/99")).status_code == 404


CHAPTER = """Resolution 8/1
Abu Dhabi declaration

Resolution 8/2
Strengthening the use of the Convention

The Conference of the States Parties to the United Nations Convention against Corruption,

Recalling chapter V of the Convention,

1. Requests the Secretariat to continue to gather information on good practices;

1. Urges States parties to ratify or accede to the Convention;

2. Invites States parties to share good practices with the Secretariat;
"""


def test_a_heading_with_no_text_is_kept_and_flagged_not_merged_into_the_next():
    doc = parse_bytes(CHAPTER.encode(), "chapter.txt")
    assert [(r.id, r.title, len(r.parts)) for r in doc.resolutions] == [
        ("8/1", "Abu Dhabi declaration", 0), ("8/2", "Strengthening the use of the Convention", 4)]
    assert "chapter.txt: resolution 8/1: a heading with no text after it" in doc.warnings


def test_a_repeated_operative_number_keeps_both_paragraphs():
    doc = parse_bytes(CHAPTER.encode(), "chapter.txt")
    assert [(m.at, m.verb) for m in doc.mandates] == [("8/2/op1", "request"), ("8/2/op1bis", "urge"),
                                                      ("8/2/op2", "invite")]
    assert any("paragraph number 1 printed again in resolution 8/2" in w for w in doc.warnings)


def test_a_resolutions_reading_page_shows_its_preamble_and_every_part_link_lands(typed_db):
    """The preamble is unnumbered, so not among the numbered paragraphs: the reading page still
    shows every preambular paragraph, and each `#p-...` link of the resolution's page finds its place."""
    import asyncio
    import re
    from urllib.parse import unquote

    from pipelines.publish.serve import datasette_instance

    ds = datasette_instance(typed_db.conn.execute("pragma database_list").fetchone()[2])
    rid, doc = typed_db.conn.execute("select resolution, document from resolution_paragraphs where kind = 'preambular' "
                                     "group by resolution order by count(*) desc limit 1").fetchone()
    preamble = [t for t, in typed_db.conn.execute("select text from resolution_paragraphs where resolution = ? and "
                                                  "document = ? and kind = 'preambular' order by seq", [rid, doc])]
    resolution_page = asyncio.run(ds.client.get(f"/-/cosp/resolution?id={rid}")).text
    links = set(re.findall(r'href="(/-/cosp/document/[^"#]+)#(p-[^"]+)"', resolution_page))
    assert len(preamble) > 2 and links
    pages = {}
    for path, anchor in links:
        page = pages.setdefault(path, asyncio.run(ds.client.get(path)).text)
        assert f'id="{unquote(anchor)}"' in page, anchor  # a browser matches the decoded fragment
    from markupsafe import escape

    from pipelines.publish.pagekit import document_url

    reading = asyncio.run(ds.client.get(document_url(doc))).text
    assert all(str(escape(t))[:60] in reading for t in preamble)
