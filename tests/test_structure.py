"""Structure of the five seeds: metadata, paragraphs, items, footnotes, headings, guidelines."""
from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from tests.conftest import GOLD, SEED_FILES, load_gold


@pytest.mark.parametrize("name", SEED_FILES)
def test_metadata_matches_gold_exactly(seeds, name):
    gold = load_gold(name)["document"]
    meta = asdict(seeds[name].meta)
    assert {k: meta[k] for k in gold} == gold


@pytest.mark.parametrize("name", SEED_FILES)
def test_paragraph_and_footnote_counts_match_gold(seeds, name):
    gold = load_gold(name)
    doc = seeds[name]
    assert len(doc.paragraphs) == gold["paragraph_count"]
    assert [p.at for p in doc.paragraphs] == [str(i) for i in range(1, gold["paragraph_count"] + 1)]
    assert sum(1 for f in doc.footnotes if f.at != "fn*") == gold["footnote_count"]


@pytest.mark.parametrize("name, at, fragment", [
    # A page break with footnotes between: the text after them continues the paragraph.
    ("000_de38badff640f652.txt", "3", "informed the Group of their relevant experiences. The Group concluded that"),
    ("000_de38badff640f652.txt", "10", "not necessary for most countries, they facilitate"),
    ("002_95027576749d3358.txt", "57", "asset recovery practitioner networks (CAC/COSP/WG.2/2018/5"),
    ("002_95027576749d3358.txt", "15", "and has requested the secretariat to prepare a list"),
    ("003_0699b6471873cb14.txt", "4", "status of implementation of its recommendations and of the Conference resolutions relating to"),
    ("004_a54e2567ed20a275.txt", "20", "which captured statistical and case status information"),
])
def test_paragraphs_split_by_a_page_break_are_joined(seeds, name, at, fragment):
    para = next(p for p in seeds[name].paragraphs if p.at == at)
    assert fragment in para.text


@pytest.mark.parametrize("name", SEED_FILES)
def test_footnote_bodies_never_end_up_inside_paragraphs(seeds, name):
    doc = seeds[name]
    for fn in doc.footnotes:
        for p in doc.paragraphs:
            assert fn.text[:60] not in p.text, (fn.at, p.at)


@pytest.mark.parametrize("name", SEED_FILES)
def test_offsets_point_into_the_normalized_text(seeds, name):
    doc = seeds[name]
    for unit in doc.paragraphs + doc.footnotes + doc.headings:
        pieces = [doc.text[s:e] for s, e in unit.segments]
        assert " ".join(pieces).endswith(unit.text) or unit.text in " ".join(pieces)
        assert unit.start <= unit.end <= len(doc.text)


def test_footnote_anchors_name_the_paragraph_with_the_mark(seeds):
    doc = seeds["000_de38badff640f652.txt"]
    anchors = {f.at: f.anchor for f in doc.footnotes}
    assert anchors["fn1"] == "3"  # "the replies of 10 States parties¹"
    assert anchors["fn*"] == "front"


@pytest.mark.parametrize("name, at, starts", [
    ("002_95027576749d3358.txt", "54(a)", "(a) Continuing its efforts to gather information"),
    ("002_95027576749d3358.txt", "79(b)", "(b) To identify, trace, seize, recover and return"),
    ("003_0699b6471873cb14.txt", "2(a)", "(a) assist it in developing cumulative knowledge"),
    ("000_de38badff640f652.txt", "46(e)", "(e) Focal points for international cooperation"),
])
def test_lettered_items_are_addressable(seeds, name, at, starts):
    item = next(i for i in seeds[name].items if i.at == at)
    assert item.text.startswith(starts)


def test_numbered_subsection_headings_are_not_paragraphs(seeds):
    doc = seeds["002_95027576749d3358.txt"]
    headings = [h.at for h in doc.headings]
    assert "1. Tools for improving asset recovery and efforts for their wide dissemination" in headings
    assert next(p for p in doc.paragraphs if p.at == "11").text.startswith("The Working Group has consistently")


@pytest.mark.parametrize("year", ["2018", "2021"])
def test_guideline_blocks_match_the_gold_texts(seeds, year):
    gold = json.loads((GOLD / "guidelines.json").read_text(encoding="utf-8"))[year]
    doc = seeds[gold["file"]]
    assert [g.number for g in doc.guidelines] == [g["number"] for g in gold["guidelines"]]
    for mine, theirs in zip(doc.guidelines, gold["guidelines"]):
        assert mine.title == theirs["title"]
        paras = [(p.at, p.text) for p in mine.paragraphs if p.kind == "guideline_paragraph"]
        assert paras == [(p["at"], p["text"]) for p in theirs["paragraphs"]]


def test_symbols_are_inferred_with_evidence_never_silently(seeds):
    doc = seeds["004_a54e2567ed20a275.txt"]
    assert doc.meta.symbol_source == "inferred"
    # the citing place, by the citing document's name (its own symbol is inferred too, so here its title and date)
    assert any("inferred from Progress report on the implementation of the mandates" in w and "(2018-04-04), para. 39" in w
               for w in doc.warnings)
    # Same title as 004 but dated 2020: the 2018 citation must not be given to it.
    assert seeds["003_0699b6471873cb14.txt"].meta.symbol is None
