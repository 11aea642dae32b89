"""Mandates: a golden-case table of real sentences from the bundled corpus, and lineage."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from pipelines.corpus.parse import parse_bytes

WG = "Open-ended Intergovernmental Working Group on Asset Recovery"


def mandates(*paragraphs: str, body: str = WG):
    text = f"Distr.: General\n5 April 2018\n\nOriginal: English\n\n{body}\n\nI. Introduction\n\n"
    text += "\n\n".join(f"{i}. {p}" for i, p in enumerate(paragraphs, 1))
    doc = parse_bytes(text.encode(), "case.txt")
    return [(m.at, m.body, m.resolution, m.verb, m.addressee, m.action) for m in doc.mandates], doc


C, WGB, GA, EM = "Conference", "Working Group", "General Assembly", "Expert meeting"

# (paragraph text, [(at, body, resolution, verb, addressee, action starts with)])
CASES = [
    ("The Conference noted that, with currently 180 States parties, the goal of universal adherence to the "
     "Convention was within reach. It stressed that States parties should continue to share information.",
     [("1", C, None, "stress", "States parties", "continue to share information")]),
    ("In its resolutions 1/4, 2/3, 3/3, 4/4, 5/3, 6/2, 6/3 and 7/1, the Conference of the States Parties to the United "
     "Nations Convention against Corruption established and decided to continue the work of the Open-ended "
     "Intergovernmental Working Group on Asset Recovery.",
     [("1", C, "1/4", "establish", None, "the Open-ended Intergovernmental Working Group on Asset Recovery"),
      ("1", C, "7/1", "decide", None, "continue the work of the Open-ended")]),
    ("In its resolution 6/2, the Conference directed the Open-ended Intergovernmental Working Group on Asset Recovery "
     "to initiate the process of identifying best practices.",
     [("1", C, "6/2", "direct", "the Open-ended Intergovernmental Working Group on Asset Recovery", "initiate the process")]),
    ("The General Assembly, in its resolution 71/208, encouraged States parties to the Convention to use and promote "
     "informal channels of communication.",
     [("1", GA, "A/RES/71/208", "encourage", "States parties to the Convention", "use and promote informal")]),
    ("In its resolution 7/1, the Conference urged States parties, without prejudice to domestic legal and "
     "administrative systems and procedures, to endeavour to take measures to permit them to forward information.",
     [("1", C, "7/1", "urge", "States parties", "endeavour to take measures")]),
    ("In its resolution 7/1, the Conference urged States parties to act. It also decided that the Working Group "
     "should continue its work by, inter alia, continuing to collect data on best practices.",
     [("1", C, "7/1", "urge", "States parties", "act"),
      ("1", C, "7/1", "decide", "the Working Group", "continue its work by, inter alia, continuing to collect")]),
    ("In its resolution 8/9, the Conference directed the Working Group, with the assistance of the Secretariat, to "
     "sustain the process of identifying best practices.",
     [("1", C, "8/9", "direct", "the Working Group", "sustain the process")]),
    # a resolution cited in brackets names an instrument, not the resolution the clause is under (A/AC.261/13)
    ("In its resolution 55/61 of 4 December 2000, the General Assembly recognized that an effective international "
     "legal instrument against corruption, independent of the United Nations Convention against Transnational "
     "Organized Crime (resolution 55/25, annex I) was desirable and decided to establish an ad hoc committee.",
     [("1", GA, "A/RES/55/61", "decide", None, "establish an ad hoc committee")]),
    ("In its resolution 1/4, adopted at its first session, the Conference of the States Parties to the United Nations "
     "Convention against Corruption established the Open-ended Intergovernmental Working Group on Asset Recovery to "
     "advise and assist the Conference.",
     [("1", C, "1/4", "establish", "the Open-ended Intergovernmental Working Group on Asset Recovery", "advise and assist")]),
    ("At its second to seventh sessions, the Conference decided to continue the work of the Working Group. The "
     "Working Group held its first through eleventh meetings annually in Vienna from 2007 to 2017.",
     [("1", C, None, "decide", None, "continue the work of the Working Group")]),
    ("The Working Group has repeatedly noted the need to strengthen coordination between various initiatives in asset "
     "recovery. In that regard, the work of the StAR Initiative has been noted.",
     [("1", WGB, None, "note", None, "the need to strengthen coordination")]),
    ("Previously, the Working Group called upon States parties to provide regular updates on the information "
     "contained in the relevant databases on asset recovery, and recommended to further pursue the collection and "
     "systematization of good practices and tools.",
     [("1", WGB, None, "call upon", "States parties", "provide regular updates"),
      ("1", WGB, None, "recommend", None, "further pursue the collection")]),
    ("The Working Group has stressed the usefulness of the existing knowledge products, including those of the StAR "
     "Initiative, in building national capacity, and has requested the secretariat to prepare a list of those "
     "products and to ensure their widest possible dissemination.",
     [("1", WGB, None, "request", "the secretariat", "prepare a list of those products")]),
    ("In its resolution 7/1, the Conference called upon States parties to continue their efforts to develop good "
     "practices on asset recovery, and encouraged UNODC to identify good practices and challenges in asset recovery.",
     [("1", C, "7/1", "call upon", "States parties", "continue their efforts"),
      ("1", C, "7/1", "encourage", "UNODC", "identify good practices")]),
    ("At its previous meetings, the Working Group stressed the importance of modern information technology in "
     "developing cumulative knowledge, and requested the secretariat to continue its work to expand the Mutual Legal "
     "Assistance Request Writer Tool.",
     [("1", WGB, None, "request", "the secretariat", "continue its work to expand")]),
    ("At its third session, the Conference of the States Parties underlined that financial institutions should adopt "
     "and implement effective standards of due diligence and financial disclosure as previously highlighted by the "
     "Working Group, which had noted the need to increase the responsibility of financial institutions.",
     [("1", C, None, "underline", "financial institutions", "adopt and implement effective standards"),
      ("1", WGB, None, "note", None, "the need to increase the responsibility")]),
    ("The Working Group also recommended including such institutions in the development of cumulative knowledge on "
     "asset recovery. It further encouraged the work on the preventive measures contained in chapter V of the "
     "Convention and placed emphasis on effective financial investigations.",
     [("1", WGB, None, "recommend", None, "including such institutions"),
      ("1", WGB, None, "encourage", None, "the work on the preventive measures")]),
    ("In its resolution 6/4, entitled “Enhancing the use of civil and administrative proceedings against "
     "corruption”, the Conference invited Member States to continue to provide to the Secretariat information on "
     "civil and administrative proceedings. The Conference further requested the Secretariat to continue collecting "
     "and disseminating such information.",
     [("1", C, "6/4", "invite", "Member States", "continue to provide to the Secretariat"),
      ("1", C, "6/4", "request", "the Secretariat", "continue collecting and disseminating")]),
    ("The Working Group recommended that further information should be collected regarding international "
     "cooperation.",
     [("1", WGB, None, "recommend", None, "further information should be collected")]),
    ("At its eleventh meeting, the Working Group welcomed the study on the effective management and disposal of "
     "seized and confiscated assets contained in CAC/COSP/WG.2/2017/CRP.1 and encouraged the secretariat to continue "
     "its work on good practices in that regard.",
     [("1", WGB, None, "encourage", "the secretariat", "continue its work on good practices")]),
    ("The Working Group also noted with appreciation the results of the international expert meeting on the "
     "management and disposal of recovered and returned stolen assets and encouraged further compilation of "
     "experiences with a view to identifying good practices in that regard.",
     [("1", WGB, None, "encourage", None, "further compilation of experiences")]),
    ("The Working Group noted the initiative of the secretariat to organize, with support from the Russian "
     "Federation, an expert group meeting on transparency of beneficial ownership, and requested the secretariat to "
     "update the Working Group on the outcomes of that meeting.",
     [("1", WGB, None, "request", "the secretariat", "update the Working Group")]),
    ("The Working Group has recommended that UNODC explore how the database of asset recovery focal points could be "
     "amended.", [("1", WGB, None, "recommend", "UNODC", "explore how the database")]),
    ("The Working Group has also urged States parties to continue to work towards identifying and addressing "
     "practical barriers to cooperation in asset recovery.",
     [("1", WGB, None, "urge", "States parties", "continue to work towards")]),
    ("The Working Group has recommended strengthening cooperation between financial intelligence units and "
     "anti-corruption authorities. Further cooperation with existing networks such as the Egmont Group should be "
     "explored.", [("1", WGB, None, "recommend", None, "strengthening cooperation")]),
    ("Prior to the first Global Forum on Asset Recovery, the Working Group emphasized the need for the Secretariat to "
     "further strengthen its work with regard to promoting dialogue between requested and requesting States.",
     [("1", WGB, None, "emphasize", "the Secretariat", "further strengthen its work")]),
    ("At its eleventh meeting, the Working Group re-emphasized the need for States parties to make information on "
     "settlements and other alternative mechanisms available.",
     [("1", WGB, None, "emphasize", "States parties", "make information on settlements")]),
    ("In its resolution 6/2, the Conference called upon States parties to give particular and timely consideration "
     "to the execution of requests for mutual legal assistance in asset recovery, and in resolution 6/3 it "
     "encouraged States parties to remove barriers to asset recovery.",
     [("1", C, "6/2", "call upon", "States parties", "give particular and timely consideration"),
      ("1", C, "6/3", "encourage", "States parties", "remove barriers to asset recovery")]),
    ("The Working Group has emphasized the high demand for technical assistance in the implementation of chapter V "
     "of the Convention. It has emphasized the importance of providing technical assistance in the field of mutual "
     "legal assistance to officials and practitioners.",
     [("1", WGB, None, "emphasize", None, "the high demand for technical assistance"),
      ("1", WGB, None, "emphasize", None, "the importance of providing technical assistance")]),
    ("In its resolution 7/1, the Conference requested UNODC, and invited the StAR Initiative, to continue to provide "
     "and develop capacity-building initiatives on asset recovery, upon request and subject to extrabudgetary "
     "resources.",
     [("1", C, "7/1", "request", "UNODC", "continue to provide and develop"),
      ("1", C, "7/1", "invite", "the StAR Initiative", "continue to provide and develop")]),
    ("In its resolution 4/2, entitled “Convening of open-ended intergovernmental expert meetings to enhance "
     "international cooperation”, the Conference of the States Parties to the United Nations Convention against "
     "Corruption decided to convene open-ended intergovernmental expert meetings on international cooperation.",
     [("1", C, "4/2", "decide", None, "convene open-ended intergovernmental expert meetings")]),
    ("In paragraph 8 of its resolution 8/2, the Conference called upon States parties to further promote, facilitate "
     "and support international cooperation, in line with article 1 (b) of the Convention.",
     [("1", C, "8/2", "call upon", "States parties", "further promote, facilitate and support")]),
    ("Furthermore, in paragraph 17 of its resolution 8/6, the Conference encouraged States parties that had not yet "
     "done so to consider the Convention as a legal basis for extradition.",
     [("1", C, "8/6", "encourage", "States parties that had not yet done so", "consider the Convention")]),
    ("The sixth open-ended intergovernmental expert meeting to enhance international cooperation under the United "
     "Nations Convention against Corruption, held in Vienna on 6 and 7 November 2017, recommended that the "
     "Secretariat should continue its work on the analysis of practical challenges.",
     [("1", EM, None, "recommend", "the Secretariat", "continue its work on the analysis")]),
    ("The sixth expert meeting also recommended that the Secretariat explore the feasibility of developing a "
     "practical guide.", [("1", EM, None, "recommend", "the Secretariat", "explore the feasibility")]),
    # -- not mandates -------------------------------------------------------------------------
    ("The Working Group may wish to consider and make recommendations on the further steps needed to finalize the "
     "draft guidelines.", []),
    ("Pursuant to the mandate contained in resolution 8/9, the secretariat, in a note verbale dispatched in December "
     "2020, invited States parties to provide additional views on the draft non-binding guidelines.", []),
    ("The Conference of the States Parties has repeatedly placed great emphasis on article 56 of the Convention (see "
     "its resolutions 3/3, 4/4 and 5/3).", []),
    ("The Working Group repeatedly emphasized its role in contributing knowledge and expertise to the outcomes of "
     "the reviews.", []),
    ("The importance of confidence and trust between requesting and requested States for asset recovery has been "
     "stressed, in particular as a means of increasing political will.", []),
    ("In February 2018, in accordance with resolution 7/1, the Secretariat circulated a note verbale seeking "
     "information on the issues mentioned above.", []),
    ("States parties generally supported the development of the non-binding guidelines and noted that the principles "
     "found in the draft guidelines sought a balance.", []),
    ("With regard to specific suggestions, the Republic of Korea recommended making confidentiality an explicit "
     "requirement when submitting the request.", []),
    ("In addition, the Group of 20 Anti-Corruption Working Group welcomed the initiative of the Saudi Arabian "
     "Presidency to create a global operational network.", []),
    ("The Group concluded that the Secretariat, in consultation with the Working Group, should continue its efforts "
     "to identify best practices.", []),
    ("Furthermore, in line with the recommendations of the eighth expert meeting, States parties were encouraged to "
     "continue to provide to the secretariat information on challenges.", []),
    ("Council of the European Union decision 2011/72/CFSP of 31 January 2011 concerning restrictive measures directed "
     "against certain persons was adopted.", []),
]


@pytest.mark.parametrize("paragraph, expected", CASES, ids=[c[0][:50] for c in CASES])
def test_golden_mandate_sentence(paragraph, expected):
    found, _ = mandates(paragraph)
    assert [f[:5] for f in found] == [e[:5] for e in expected]
    for f, e in zip(found, expected):
        assert f[5].startswith(e[5]), (f[5], e[5])


def test_the_table_is_large_enough():
    assert len(CASES) >= 40


def test_same_resolution_chains_across_paragraphs():
    found, _ = mandates(
        "In its resolution 7/1, the Conference called upon States parties to continue their efforts.",
        "In the same resolution, the Conference requested the Secretariat to continue to collect information.",
        "In the resolution, the Conference also encouraged States parties to make use of the Lausanne guidelines.",
        "In its resolution 6/3, the Conference invited States parties to collect data.",
        "In paragraph 18 of the same resolution, the Conference encouraged States parties to conclude agreements.")
    assert [(f[0], f[2], f[3]) for f in found] == [("1", "7/1", "call upon"), ("2", "7/1", "request"),
                                                   ("3", "7/1", "encourage"), ("4", "6/3", "invite"),
                                                   ("5", "6/3", "encourage")]


def test_lettered_decisions_give_one_mandate_per_item():
    found, _ = mandates(
        "In its resolution 7/1, the Conference invited the Working Group to propose future agenda items, and decided "
        "that the Working Group should continue its work by, inter alia:\n(a) Continuing its efforts to gather "
        "information on best practices;\n(b) Conducting analysis on third-party challenges;\n(c) Continuing to "
        "collect data on best practices.")
    assert [(f[0], f[3], f[4]) for f in found] == [
        ("1", "invite", "the Working Group"), ("1(a)", "decide", "the Working Group"),
        ("1(b)", "decide", "the Working Group"), ("1(c)", "decide", "the Working Group")]
    assert found[2][5] == "Conducting analysis on third-party challenges"


def test_inline_lettered_functions():
    found, _ = mandates("In its resolution 4/2, the Conference decided that the expert meetings should perform the "
                        "following functions: (a) assist it in developing cumulative knowledge; (b) build confidence "
                        "and encourage cooperation between requesting and requested States; and (c) assist the "
                        "Conference in identifying needs.")
    assert [(f[0], f[4]) for f in found] == [("1(a)", "the expert meetings"), ("1(b)", "the expert meetings"),
                                            ("1(c)", "the expert meetings")]


def test_action_taken_paragraphs_are_evidence_linked_to_the_mandates_before_them():
    text = ("Distr.: General\n5 April 2018\n\nI. Introduction\n\n"
            "1. In its resolution 7/1, the Conference requested the Secretariat to collect statistics.\n\n"
            "Action taken\n\n2. In February 2018, the Secretariat circulated a note verbale.\n\n"
            "3. The Working Group may wish to provide guidance.\n")
    doc = parse_bytes(text.encode(), "x.txt")
    assert [(m.at, m.verb) for m in doc.mandates] == [("1", "request")]
    assert [(e.at, e.mandates) for e in doc.evidence] == [("2", ["1"]), ("3", ["1"])]


def test_proposals_are_kept_as_their_own_type():
    _, doc = mandates("The Working Group may wish to consider whether the draft guidelines would benefit from "
                      "additional consideration.")
    assert [p.at for p in doc.proposals] == ["1"] and doc.mandates == []


def test_funding_and_deliverable_are_recorded():
    _, doc = mandates("In its resolution 7/1, the Conference requested the Secretariat to continue, within existing "
                      "resources, to collect statistics on the use of the Convention and to report thereon at its "
                      "ninth session.")
    m = doc.mandates[0]
    assert m.funding == "within existing resources" and m.deliverable == "report" and "ninth session" in m.time_frame


def test_the_article_56_guidelines_thread_is_reconstructed(tmp_path):
    import sqlite_utils

    from pipelines.database.build import build
    from pipelines.corpus.ingest import BUNDLED

    db = sqlite_utils.Database(build([BUNDLED], tmp_path / "t.db").db)
    thread = next(db.query("select thread from mandates where document = '001_2874813f072c823d.txt' and at = '7'"))
    rows = list(db.query("select document, at, resolution from mandate_threads where thread = ?", [thread["thread"]]))
    members = {(r["document"][:3] if not r["document"].startswith("CAC") else r["document"], r["at"], r["resolution"])
               for r in rows}
    assert {("CAC/COSP/WG.2/2018/5", "1", "6/2"), ("001", "1", "6/2"), ("CAC/COSP/WG.2/2018/5", "4", "7/1"),
            ("001", "4", "7/1"), ("CAC/COSP/WG.2/2018/2", "54(c)", "7/1"), ("001", "7", "8/9")} <= members
    assert [r["resolution"] for r in rows] == sorted([r["resolution"] for r in rows], key=lambda x: int(x[0]))
    assert len({r["document"] for r in rows}) == 3


# 0~1 and 1~2 are the same mandate by score, 0 and 2 are not: a chain that only single
# linkage over all pairs joins.
ACTIONS = ["continue its work on the analysis of practical challenges arising in the work of central authorities",
           "continue the analysis of challenges in the work of networks of practitioners and central authorities "
           "in asset recovery",
           "analysis of challenges in the work of networks of practitioners in asset recovery and of focal points",
           "convene open-ended intergovernmental expert meetings on international cooperation",
           "collect information on the use of spontaneous disclosure of information"]


def _all_pairs_clusters(sightings):
    """Reference: single linkage over every pair of one body, verb and resolution."""
    from extract.lineage import SAME, _norm

    parent = {s.key: s.key for s in sightings}

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x
    for i, a in enumerate(sightings):
        for b in sightings[i + 1:]:
            if (a.body, a.verb, a.resolution) == (b.body, b.verb, b.resolution) and \
                    fuzz.token_set_ratio(_norm(a.action), _norm(b.action)) >= SAME:
                parent[find(b.key)] = find(a.key)
    groups = {}
    for s in sightings:
        groups.setdefault(find(s.key), set()).add(s.key)
    return sorted(sorted(g) for g in groups.values())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(ACTIONS) - 1), st.sampled_from(["7/1", "8/9"]),
                          st.sampled_from(["request", "urge"])), min_size=1, max_size=25))
def test_sightings_cluster_as_if_every_pair_were_compared(draws):
    from extract.lineage import Sighting, build_lineage

    sightings = [Sighting(key=f"d{i}#1#{verb}", document=f"d{i}", date=f"2018-01-{i % 28 + 1:02d}", at="1",
                          body="Conference", resolution=res, verb=verb, action=ACTIONS[a])
                 for i, (a, res, verb) in enumerate(draws)]
    lineage = build_lineage(sightings)
    clusters = {}
    for key, mandate in lineage.mandate_of.items():
        clusters.setdefault(mandate, set()).add(key)
    assert sorted(sorted(g) for g in clusters.values()) == _all_pairs_clusters(sightings)
    assert sum(1 for link in lineage.links if link.kind == "sighting") <= len(sightings)


def test_a_mandate_repeated_in_many_documents_costs_one_link_per_sighting():
    from extract.lineage import Sighting, build_lineage

    sightings = [Sighting(key=f"d{i}#8", document=f"d{i}", date="2019-05-01", at="8", body="Conference",
                          resolution="7/1", verb="request", action=ACTIONS[0]) for i in range(200)]
    lineage = build_lineage(sightings)
    assert len(set(lineage.mandate_of.values())) == 1
    assert len(lineage.links) == 199


def test_a_preamble_page_without_its_issuer_line_gives_its_resolutions_own_participle_mandates():
    """Page 2 of a resolution as a web transcript: the running header (title, symbol) and the
    preamble run together on one line, no issuer line; "Encouraging States parties ... to ..." is
    the resolution's own mandate, the recalled resolutions are references, nothing is counted twice."""
    text = ("Promotion of international cooperation to combat illicit financial flows A/RES/73/222 effective "
            "implementation, including full support for the Mechanism for the Review of Implementation of the "
            "Convention, Reaffirming the United Nations Convention against Transnational Organized Crime, 2 Recalling "
            "its resolutions 65/169 of 20 December 2010 and 72/207 of 20 December 2017, Recognizing the work carried "
            "out by the Conference of the States Parties, and in particular its Open -ended Intergovernmental Working "
            "Group on Asset Recovery, to advance the full implementation of chapter V, Taking note of the technical "
            "resources produced by the United Nations Office on Drugs and Crime and the World Bank, Encouraging States "
            "parties to the United Nations Convention against Corruption to make full use of the asset recovery tools "
            "set forth in chapter V of the Convention, as a means of significant")
    doc = parse_bytes(text.encode(), "A_RES_73_222__p2.txt")
    assert [p.kind for r in doc.resolutions for p in r.parts] == ["preambular"] * 5
    assert [(m.body, m.resolution, m.verb, m.addressee) for m in doc.mandates] == [
        ("General Assembly", "A/RES/73/222", "encourage", "States parties to the United Nations Convention against Corruption")]
    cited = [r.id for r in doc.references if r.kind == "ga_resolution"]
    assert cited == ["A/RES/65/169", "A/RES/72/207"]


WEB_PAGE = """Mandates of the Working Group on Prevention

The Conference of the States Parties to the United Nations Convention against Corruption adopted at its third session resolution 3/2 entitled "Preventive measures". In that resolution, the Conference decided to establish an interim open-ended intergovernmental working group to:

a) Assist the Conference in developing and accumulating knowledge in the area of prevention of corruption; 
b) Facilitate the exchange of information and experience among States on preventive measures and practices;

The Conference further decided that the working group should meet during the sessions of the Conference and, as appropriate, shall hold at least two intersessional meetings within existing resources.

In the following sessions, the Conference reconfirmed this decision in resolution 4/3 entitled "Marrakech declaration on the prevention of corruption" and resolution 5/4 entitled "Follow-up to the Marrakech declaration". It requested the Working Group on Prevention to continue its work to advise and assist the Conference. It also decided that the Working Group would follow a multi-year work plan up to 2015.

At its second to seventh sessions, the Conference decided to continue the work of the Working Group on Prevention in the years between its sessions.
"""


def test_a_web_page_telling_mandates_over_paragraphs_keeps_their_resolution_and_items():
    """A web page without numbered paragraphs (RULES M5, M7): the lettered items under a lead-in
    ending in a colon are one mandate each; "further decided" and "It requested" go on under the
    resolution named before, a pronoun after a verb that asks nothing ("reconfirmed ... in
    resolution 5/4") included; a sentence that does not go on ("At its second to seventh
    sessions ...") gets no resolution from the paragraphs before."""
    doc = parse_bytes(WEB_PAGE.encode(), "page.txt")
    got = [(m.at, m.body, m.resolution, m.verb, (m.action or "")[:30]) for m in doc.mandates]
    assert got == [
        ("front(a)", C, "3/2", "decide", "Assist the Conference in devel"),
        ("front(b)", C, "3/2", "decide", "Facilitate the exchange of inf"),
        ("front", C, "3/2", "decide", "the working group should meet "),
        ("front", C, "5/4", "request", "continue its work to advise an"),
        ("front", C, "5/4", "decide", "follow a multi-year work plan "),
        ("front", C, None, "decide", "continue the work of the Worki"),
    ]
