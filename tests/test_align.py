"""Guideline alignment: the seeds against the gold, and constructed cases for each relation."""
from __future__ import annotations

import json

import pytest

from extract.align import align, version_of
from extract.diff import diff_ops, ops_html
from extract.obligation import direction, modals
from models.guidelines import GuidelineParagraph, GuidelineVersion
from pipelines.guidelines.align import chains
from pipelines.guidelines.redline import render_redline
from tests.conftest import GOLD

P = {
    "conf": "Receiving countries should comply with any requests for received information to remain "
            "confidential, even temporarily, or with restrictions on its use.",
    "follow": "Receiving countries should reply actively and collaboratively on the information provided and "
              "open an investigation where the elements are sufficient under domestic law.",
    "basis": "States should be able to transmit information spontaneously without the need for a treaty basis.",
    "rules": "Such regulations should include the designation of the authority or authorities that are allowed "
             "to share information.",
    "lang": "Each contact point should be aware of relevant domestic procedures and be in a position to assist "
            "promptly.",
    "langreq": "Language requirements should be taken into account.",
    "two": "States parties should enact regulations that are conducive to the sharing of information. "
           "States parties should avoid requirements that are stricter than those of regular mutual legal "
           "assistance procedures.",
    "budget": "Donors and technical assistance providers should consider providing assistance to networks so "
              "that they can carry out their activities.",
    "fresh": "The secretariat of each network is hosted on a rotating basis by one of the member institutions "
             "chosen by the plenary every two years.",
}


def version(label, guidelines: dict[int, list[str]]) -> GuidelineVersion:
    v = GuidelineVersion(label=label, file=label, year=None)
    for g, texts in guidelines.items():
        v.titles[g] = f"Guideline {g} title"
        for k, t in enumerate(texts, 1):
            v.paragraphs.append(GuidelineParagraph(at=f"g{g}.{k}", guideline=g, index=len(v.paragraphs), text=t))
    return v


def relations(old, new):
    links, _ = align(old, new)
    return sorted((lk.from_at or "-", lk.to_at or "-", lk.relation) for lk in links)


def test_seed_alignment_matches_gold_exactly(seeds):
    gold = json.loads((GOLD / "guidelines.json").read_text(encoding="utf-8"))
    links, titles = align(version_of(seeds[gold["2018"]["file"]]), version_of(seeds[gold["2021"]["file"]]))
    assert sorted((lk.from_at or "-", lk.to_at or "-", lk.relation) for lk in links) == sorted(
        (g["from"] or "-", g["to"] or "-", g["relation"]) for g in gold["alignment"])
    assert {(t.guideline, t.from_title, t.to_title) for t in titles} == {
        (t["guideline"], t["from"], t["to"]) for t in gold["title_changes"]}


def test_pure_reorder_moves_both_swapped_paragraphs():
    old = version("a", {1: [P["conf"], P["follow"], P["basis"]]})
    new = version("b", {1: [P["follow"], P["conf"], P["basis"]]})
    assert relations(old, new) == [("g1.1", "g1.2", "moved"), ("g1.2", "g1.1", "moved"),
                                   ("g1.3", "g1.3", "unchanged")]


def test_renumbering_after_an_insertion_is_not_a_move():
    old = version("a", {1: [P["conf"], P["basis"]]})
    new = version("b", {1: [P["fresh"], P["conf"], P["basis"]]})
    assert relations(old, new) == [("-", "g1.1", "added"), ("g1.1", "g1.2", "unchanged"),
                                   ("g1.2", "g1.3", "unchanged")]


def test_two_into_one_merge():
    old = version("a", {1: [P["conf"], P["basis"]]})
    new = version("b", {1: [P["conf"] + " " + P["basis"]]})
    assert relations(old, new) == [("g1.1", "g1.1", "merged"), ("g1.2", "g1.1", "merged")]


def test_one_into_two_split():
    old = version("a", {3: [P["two"]]})
    first, second = P["two"].split(". ", 1)
    new = version("b", {3: [first + ".", "To the extent possible, " + second]})
    assert relations(old, new) == [("g3.1", "g3.1", "split"), ("g3.1", "g3.2", "split")]


def test_a_paragraph_that_moved_between_guidelines():
    old = version("a", {1: [P["basis"], P["rules"]], 2: [P["budget"]]})
    new = version("b", {1: [P["basis"]], 2: [P["rules"], P["budget"]]})
    rel = relations(old, new)
    assert ("g1.2", "g2.1", "unchanged") in rel or ("g1.2", "g2.1", "moved") in rel
    assert ("g1.1", "g1.1", "unchanged") in rel and ("g2.1", "g2.2", "unchanged") in rel


def test_deletion_plus_insertion_is_not_a_rewording():
    old = version("a", {6: [P["lang"], P["budget"]]})
    new = version("b", {6: [P["lang"], P["fresh"]]})
    assert relations(old, new) == [("-", "g6.2", "added"), ("g6.1", "g6.1", "unchanged"),
                                   ("g6.2", "-", "deleted")]


def test_absorbed_paragraph_counts_as_merged():
    old = version("a", {6: [P["lang"], P["langreq"]]})
    new = version("b", {6: [P["lang"][:-1] + " and have relevant language skills."]})
    assert relations(old, new) == [("g6.1", "g6.1", "merged"), ("g6.2", "g6.1", "merged")]


def test_a_third_version_slots_into_the_chain():
    v2018 = version("2018", {1: [P["basis"]], 2: [P["rules"]]})
    v2021 = version("2021", {1: [P["basis"]], 2: [P["rules"]]})
    v2019 = version("2019", {1: [P["basis"]], 2: [P["rules"]]})
    v2018.year, v2019.year, v2021.year = 2018, 2019, 2021
    other = version("other", {1: ["Something else entirely."]})
    other.titles = {1: "Management of frozen, seized and confiscated assets"}
    groups = chains([v2021, other, v2018, v2019])
    assert [[v.label for v in g] for g in groups] == [["2018", "2019", "2021"], ["other"]]


@pytest.mark.parametrize("old, new, expected", [
    ("Such regulations should include the designation", "Such rules may include the designation", "softened"),
    ("States should invest in resources", "To the extent possible States could endeavour to invest", "softened"),
    ("Receiving countries should reply actively", "Receiving States should endeavour to follow up", "softened"),
    ("The allocation of adequate resources is key.", "States should examine the possibility of allocating",
     "strengthened"),
    ("States should consider sharing", "States shall share", "strengthened"),
    ("States should consider sharing", "States should consider sharing, if needed", "same"),
])
def test_obligation_direction(old, new, expected):
    assert direction(modals(old), modals(new)) == expected


def test_word_diff_marks_insertions_and_deletions():
    ops = diff_ops("Such regulations should include the designation", "Such rules, policies or guidelines may "
                                                                      "include the designation")
    assert [o["op"] for o in ops] == ["equal", "replace", "equal"]
    assert ops[1] == {"op": "replace", "old": "regulations should ", "new": "rules, policies or guidelines may "}
    assert ops_html(ops) == ("Such <del>regulations should</del> <ins>rules, policies or guidelines may</ins> "
                             "include the designation")
    assert "".join(o["new"] for o in ops) == "Such rules, policies or guidelines may include the designation"


def test_redline_escapes_source_text():
    old = version("a<b>", {1: ["States should <script>alert(1)</script> share & tell."]})
    new = version("c", {1: ["States may <img src=x onerror=alert(1)> share & tell."]})
    page = render_redline(old, new)
    assert "<script>" not in page and "<img" not in page
    assert "&lt;" in page and "script&gt;" in page and "img src=x onerror=" in page and "a&lt;b&gt;" in page
    assert "<del>" in page and "<ins>" in page


def test_cli_align_json_speaks_the_gold_keys(tmp_path):
    from click.testing import CliRunner

    from pipelines.cli import cli
    from pipelines.corpus.ingest import BUNDLED

    out = tmp_path / "r.html"
    result = CliRunner().invoke(cli, ["align", str(BUNDLED / "000_de38badff640f652.txt"),
                                      str(BUNDLED / "001_2874813f072c823d.txt"), "--json", "--html", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output[result.output.index("{"):])
    assert {"from", "to", "relation", "score", "changes", "obligation"} <= set(data["alignment"][0])
    assert {"guideline", "from", "to"} <= set(data["title_changes"][0])
    assert "<ins>" in out.read_text(encoding="utf-8")


def test_a_replacement_of_one_word_by_another_is_not_glued_together():
    html = ops_html([{"op": "equal", "old": "the ", "new": "the "}, {"op": "replace", "old": "information", "new": "based"}])
    assert html == "the <del>information</del> <ins>based</ins>"
