"""References: a golden-case table of real sentences from the bundled corpus (and a few built ones)."""
from __future__ import annotations

import pytest

from extract.references import anaphora_spans, references_in, resolution_before

C, GA, DOC, ART, CH, INS = "cosp_resolution", "ga_resolution", "document", "uncac_article", "uncac_chapter", "instrument"
TREATY = "treaty_article"

# (sentence, expected [(kind, id), ...] in reading order; details checked separately)
CASES = [
    # -- Conference resolutions, lists ---------------------------------------------------
    ("The Conference of the States Parties to the United Nations Convention against Corruption has repeatedly "
     "placed great emphasis on article 56 of the Convention (see its resolutions 3/3, 4/4 and 5/3).",
     [(ART, "56"), (C, "3/3"), (C, "4/4"), (C, "5/3")]),
    ("In its resolution 6/2, the Conference directed the Open-ended Intergovernmental Working Group on Asset "
     "Recovery to initiate the process of identifying best practices", [(C, "6/2")]),
    ("In its resolutions 1/4, 2/3, 3/3, 4/4, 5/3, 6/2, 6/3 and 7/1, the Conference established and decided to "
     "continue the Working Group.", [(C, i) for i in ("1/4", "2/3", "3/3", "4/4", "5/3", "6/2", "6/3", "7/1")]),
    ("In its resolution 1/4, adopted at its first session, the Conference of the States Parties to the United "
     "Nations Convention against Corruption established the Open-ended Intergovernmental Working Group on Asset "
     "Recovery", [(C, "1/4")]),
    ("In its resolution 7/1, the Conference called upon States parties to continue their efforts to develop good "
     "practices on asset recovery", [(C, "7/1")]),
    ("In February 2018, in accordance with resolution 7/1, the Secretariat circulated a note verbale seeking "
     "information on the issues mentioned above.", [(C, "7/1")]),
    ("In its resolution 6/3, the Conference invited States parties, in accordance with national legislation and "
     "policies, to collect and make public data on the volume of assets seized", [(C, "6/3")]),
    ("The Conference, in its resolution 6/3, encouraged States parties to apply lessons learned in all areas of "
     "asset recovery cooperation", [(C, "6/3")]),
    ("In its resolution 6/2, the Conference called upon States parties to give particular and timely consideration "
     "to the execution of requests for mutual legal assistance in asset recovery, and in resolution 6/3 it "
     "encouraged States parties to remove barriers to asset recovery", [(C, "6/2"), (C, "6/3")]),
    ("The secretariat continues to collect additional information from States parties pursuant to the mandates "
     "contained in Conference resolutions 8/2 and 8/6 and the recommendations of the expert meeting.",
     [(C, "8/2"), (C, "8/6")]),
    ("The present document has been prepared pursuant to the mandates contained in Conference resolution 7/1 and "
     "the recommendations of the sixth expert meeting.", [(C, "7/1")]),
    ("Pursuant to the mandate contained in resolution 8/9, the secretariat, in a note verbale dispatched in "
     "December 2020, invited States parties to provide additional views", [(C, "8/9")]),
    ("In its resolution 8/9, the Conference directed the Working Group, with the assistance of the Secretariat, to "
     "sustain the process of identifying best practices", [(C, "8/9")]),
    # -- pinpoints and titles -------------------------------------------------------------
    ("The Conference has repeatedly placed great emphasis on article 56 of the Convention (see resolution 3/3, "
     "para. 2, resolution 4/4, para. 3, and resolution 5/3, eleventh preambular para. and paras. 8, 15, 17, 26 "
     "and 27).", [(ART, "56"), (C, "3/3"), (C, "4/4"), (C, "5/3")]),
    ("Furthermore, in paragraph 17 of its resolution 8/6, the Conference encouraged States parties that had not yet "
     "done so to consider the Convention as a legal basis for extradition", [(C, "8/6")]),
    ("In paragraph 8 of its resolution 8/2, the Conference called upon States parties to further promote, "
     "facilitate and support international cooperation and technical assistance in the prevention of and fight "
     "against corruption, in line with article 1 (b) of the Convention, with a view to facilitating the "
     "implementation of article 43 of the Convention.", [(C, "8/2"), (ART, "1"), (ART, "43")]),
    ("In its resolution 6/4, entitled “Enhancing the use of civil and administrative proceedings against "
     "corruption, including through international cooperation, in the framework of the United Nations Convention "
     "against Corruption”, the Conference invited Member States", [(C, "6/4")]),
    ("A similar mandate was contained in resolution 5/1, entitled “Enhancing the effectiveness of law enforcement "
     "cooperation in the detection of corruption offences in the framework of the United Nations Convention "
     "against Corruption”.", [(C, "5/1")]),
    ("In its resolution 4/2, entitled “Convening of open-ended intergovernmental expert meetings to enhance "
     "international cooperation”, the Conference of the States Parties decided to convene open-ended "
     "intergovernmental expert meetings", [(C, "4/2")]),
    # -- General Assembly vs Conference ---------------------------------------------------
    ("The General Assembly, in its resolution 71/208, encouraged States parties to the Convention to use and "
     "promote informal channels of communication", [(GA, "A/RES/71/208")]),
    ("The General Assembly, in its resolution 71/208, adopted in December 2016, encouraged States parties to the "
     "Convention to use and promote informal channels of communication", [(GA, "A/RES/71/208")]),
    ("The General Assembly, in its resolution 71/208, encouraged States parties, and the Conference, in its "
     "resolution 7/1, urged States parties to take measures.", [(GA, "A/RES/71/208"), (C, "7/1")]),
    ("Recalling General Assembly resolution 58/4 of 31 October 2003, by which the Assembly adopted the "
     "Convention,", [(GA, "A/RES/58/4")]),
    # -- anaphora is not a reference ------------------------------------------------------
    ("In the same resolution, the Conference requested the Secretariat, in consultation with States parties, to "
     "continue to collect information on the legal framework", []),
    ("In the resolution, the Conference also encouraged States parties to make use of the non-binding Lausanne "
     "guidelines", []),
    ("In addition, in paragraph 18 of the same resolution, the Conference encouraged States parties to conclude "
     "appropriate bilateral or multilateral agreements", []),
    ("Also in the same resolution, the Conference requested the Secretariat to continue, within existing "
     "resources, to collect statistics", []),
    ("The present note has been prepared to inform the ninth expert meeting of the status of implementation of its "
     "recommendations and of the Conference resolutions relating to international cooperation.", []),
    # -- document symbols -----------------------------------------------------------------
    # the General Assembly's committees' and conferences' series (A/AC.261/13's agenda note; A/RES/79/191, fn 12)
    ("The provisional agenda is contained in document A/AC.261/14.", [(DOC, "A/AC.261/14")]),
    ("See A/CONF.157/24 (Part I), chap. III.", [(DOC, "A/CONF.157/24")]),
    ("The Secretariat had prepared a document (CAC/COSP/WG.2/2017/2) containing background information",
     [(DOC, "CAC/COSP/WG.2/2017/2")]),
    ("Firstly, it provides an update of the information on spontaneous sharing of information prepared in 2017 "
     "(CAC/COSP/WG.2/2017/2 and CAC/COSP/2017/8).", [(DOC, "CAC/COSP/WG.2/2017/2"), (DOC, "CAC/COSP/2017/8")]),
    ("A global directory of asset recovery networks developed by the StAR Initiative will be made available to the "
     "Working Group in conference room paper CAC/COSP/WG.2/2018/CRP.2.", [(DOC, "CAC/COSP/WG.2/2018/CRP.2")]),
    ("At its eleventh meeting, the Working Group re-emphasized the need for States parties to make information on "
     "settlements available, including, where appropriate, through public means (CAC/COSP/WG.2/2017/4, para. 69).",
     [(DOC, "CAC/COSP/WG.2/2017/4")]),
    ("CAC/COSP/WG.2/2018/5, sect. IV.", [(DOC, "CAC/COSP/WG.2/2018/5")]),
    ("A full report of the meeting was made available to the ninth session of the Implementation Review Group "
     "(CAC/COSP/IRG/2018/7).", [(DOC, "CAC/COSP/IRG/2018/7")]),
    ("UNODC has prepared a study on the effective management and disposal of seized and confiscated assets, which "
     "has been submitted to the Conference of the States parties (CAC/COSP/2017/CRP.8 and e-book publication).",
     [(DOC, "CAC/COSP/2017/CRP.8")]),
    ("To support States parties in collecting such data, the secretariat presented the Working Group with several "
     "possibilities for further discussion (see CAC/COSP/WG.2/2017/3, paras. 48–50).",
     [(DOC, "CAC/COSP/WG.2/2017/3")]),
    ("For more information on this issue, see document CAC/COSP/2017/2 and section II of document "
     "CAC/COSP/EG.1/2017/2.", [(DOC, "CAC/COSP/2017/2"), (DOC, "CAC/COSP/EG.1/2017/2")]),
    ("networks (CAC/COSP/WG.2/2018/5, see also CAC/COSP/WG.2/2017/2 and CAC/COSP/2017/8).",
     [(DOC, "CAC/COSP/WG.2/2018/5"), (DOC, "CAC/COSP/WG.2/2017/2"), (DOC, "CAC/COSP/2017/8")]),
    ("The report was issued as CAC/COSP/2019/5/Add.1 and corrected in CAC/COSP/IRG/2019/3/Corr.1 and "
     "CAC/COSP/WG.4/2019/2/Rev.1.",
     [(DOC, "CAC/COSP/2019/5/Add.1"), (DOC, "CAC/COSP/IRG/2019/3/Corr.1"), (DOC, "CAC/COSP/WG.4/2019/2/Rev.1")]),
    ("Additional information is provided in the progress report on the implementation of the activities of the "
     "Working Group on Asset Recovery (CAC/COSP/WG.2/2020/3).", [(DOC, "CAC/COSP/WG.2/2020/3")]),
    # -- Convention articles and chapters -------------------------------------------------
    ("The Secretariat had prepared a document containing the finalized country reviews of 156 States parties with "
     "regard to article 46, paragraphs 4 and 5.", [(ART, "46")]),
    ("In addition to article 56, spontaneous transmission of information is addressed in article 46 (mutual legal "
     "assistance), paragraphs 4 and 5, and article 48 (law enforcement cooperation) of the Convention.",
     [(ART, "56"), (ART, "46"), (ART, "48")]),
    ("In its resolution 5/3, the Conference requested the Secretariat to invite States parties to provide "
     "information in accordance with article 43, paragraph 1, and article 46, paragraph 3, of the Convention.",
     [(C, "5/3"), (ART, "43"), (ART, "46")]),
    ("another State had processed one extradition request for the crime of embezzlement in 2012 on the basis of "
     "articles 44.1 and 44.6 (a) of the Convention.", [(ART, "44")]),
    ("With regard to the role of receiving jurisdictions, article 46, paragraph 5, contains the obligation to "
     "comply with a request that information remain confidential", [(ART, "46")]),
    ("seven additional country reviews on article 46, paragraph, 4 that had been completed since the last meeting "
     "of the Working Group", [(ART, "46")]),
    ("It further encouraged States parties to make full use of the possibility of concluding agreements pursuant to "
     "article 57, paragraph 5 of the Convention", [(ART, "57")]),
    ("The GlobE Network is open to the anti-corruption law enforcement authorities falling under article 36 of the "
     "Convention from States Members of the United Nations", [(ART, "36")]),
    ("Article 56 of the Convention against Corruption reads as follows:", [(ART, "56")]),
    ("Updated information on article 46, paragraphs 4 and 5, and article 56", [(ART, "46"), (ART, "56")]),
    ("in accordance with article 56 and chapter IV of the Convention.", [(ART, "56"), (CH, "IV")]),
    ("Implementation of chapter IV of the United Nations Convention against Corruption: lessons learned, good "
     "practices and challenges", [(CH, "IV")]),
    ("It further encouraged the work on the preventive measures contained in chapter V of the Convention and placed "
     "emphasis on effective financial investigations.", [(CH, "V")]),
    ("in order to enhance international cooperation under chapters IV and V of the Convention, acknowledging the "
     "fundamental principles of due process", [(CH, "IV"), (CH, "V")]),
    ("The Working Group repeatedly emphasized its role in contributing knowledge to the outcomes of the reviews "
     "relating to the asset recovery chapter in the second cycle of the Mechanism", []),
    ("See Official Records of the General Assembly, Supplement No. 53, chap. V, sect. A.", []),
    # -- other treaties' articles are not the Convention's ---------------------------------
    ("These include: United Nations Convention against Transnational Organized Crime (article 18, paragraphs 4 and "
     "5); article 29 of the Arab Anti-Corruption Convention", [(TREATY, "18"), (TREATY, "29")]),
    ("article 20 of the Council of Europe Convention on Laundering, Search, Seizure and Confiscation of the "
     "Proceeds from Crime", [(TREATY, "20")]),
    ("article 4, paragraph 1 of the Agreement on Cooperation among Member States of the Commonwealth of "
     "Independent States in Combating Crime; and article 8 of the Convention of the Portuguese-Speaking Community "
     "on Mutual Legal Assistance", [(TREATY, "4"), (TREATY, "8")]),
    # -- instruments ----------------------------------------------------------------------
    ("Article 78 of directive No. 02/2015/CM/UEMOA on the fight against money-laundering and the financing of "
     "terrorism contains regulations on spontaneous information-sharing by financial intelligence units.",
     [(TREATY, "78"), (INS, "02/2015/CM/UEMOA")]),
    ("The assets were frozen in order to support the implementation of Council of the European Union decision "
     "2011/72/CFSP of 31 January 2011 concerning restrictive measures", [(INS, "2011/72/CFSP")]),
    ("information was shared among Member States of the European Union without prior request in accordance with "
     "Council Decision 2007/845/JHA of 6 December 2007", [(INS, "2007/845/JHA")]),
    ("European investigation orders pursuant to Directive 2014/41/EU of the European Parliament and of the Council "
     "of 3 April 2014", [(INS, "2014/41/EU")]),
    ("the African Union Convention on Preventing and Combating Corruption, Protocol A/P3/12/01 on the fight against "
     "corruption among members of the Economic Community of West African States", [(INS, "A/P3/12/01")]),
    ("Within the European Union, the directive on the European investigation order served as the legal basis", []),
    # -- numbers that are not references --------------------------------------------------
    ("The Working Group held its first through eleventh meetings annually in Vienna from 2007 to 2017.", []),
    ("As at 27 March 2018, the directory contained information on central authorities in 129 States parties.", []),
    ("Page 2/14 of the note, V.18-02212, and the workplan for 2018–2019.", []),
]


@pytest.mark.parametrize("sentence, expected", CASES, ids=[c[0][:50] for c in CASES])
def test_golden_sentence(sentence, expected):
    found = [(r.kind, r.id) for r in references_in(sentence) if r.kind in (C, GA, DOC, ART, CH, INS, TREATY)]
    assert found == expected


def test_the_table_is_large_enough():
    assert len(CASES) >= 60


@pytest.mark.parametrize("sentence, rid, detail", [
    ("(see resolution 3/3, para. 2, resolution 4/4, para. 3, and resolution 5/3, eleventh preambular para. and "
     "paras. 8, 15, 17, 26 and 27).", "5/3", "eleventh preambular para. and paras. 8, 15, 17, 26 and 27"),
    ("(see resolution 3/3, para. 2, resolution 4/4, para. 3)", "3/3", "para. 2"),
    ("Furthermore, in paragraph 17 of its resolution 8/6, the Conference encouraged", "8/6", "para. 17"),
    ("CAC/COSP/WG.2/2018/5, sect. IV.", "CAC/COSP/WG.2/2018/5", "sect. IV"),
    ("(see CAC/COSP/WG.2/2017/3, paras. 48–50).", "CAC/COSP/WG.2/2017/3", "paras. 48–50"),
    ("with regard to article 46, paragraphs 4 and 5.", "46", "paragraphs 4 and 5"),
    ("on the basis of articles 44.1 and 44.6 (a) of the Convention.", "44", "44.1 and 44.6 (a)"),
])
def test_pinpoints_are_kept_as_detail(sentence, rid, detail):
    ref = next(r for r in references_in(sentence) if r.id == rid)
    assert ref.detail == detail


def test_titles_are_kept():
    ref = references_in("In its resolution 6/4, entitled “Enhancing the use of civil and administrative "
                        "proceedings against corruption”, the Conference invited")[0]
    assert ref.title == "Enhancing the use of civil and administrative proceedings against corruption"


@pytest.mark.parametrize("sentence, body, expected", [
    ("Recalling its resolutions 54/205 of 22 December 1999 and 55/61 of 4 December 2000,", "General Assembly",
     [(GA, "A/RES/54/205"), (GA, "A/RES/55/61")]),
    ("all relevant Human Rights Council resolutions, including resolutions 23/9 of 13 June 2013,", "General Assembly",
     [("other_resolution", "HRC 23/9")]),
    ("Recalling Security Council resolution 2462 (2019) on the financing of terrorism,", None,
     [("other_resolution", "S/RES/2462 (2019)")]),
    ("The Conference, in its decision 4/1, decided on the venue of its sixth session.", None,
     [("cosp_decision", "4/1")]),
    # A/RES/78/229: the issuer printed after the number and its date decides.
    ("Welcoming Commission on Crime Prevention and Criminal Justice resolution 27/5 of 18 May 2018 and resolution "
     "11/4 of 21 October 2022 of the Conference of the Parties to the United Nations Convention against "
     "Transnational Organized Crime,", "General Assembly", [("other_resolution", "CCPCJ 27/5"), ("other_resolution", "UNTOC 11/4")]),
    ("Welcoming resolution 12/4 of 18 October 2024 of the Conference of the Parties to the United Nations Convention "
     "against Transnational Organized Crime, and resolution 8/12 of 20 December 2019 of the Conference of the States "
     "Parties to the United Nations Convention against Corruption,", "General Assembly",
     [("other_resolution", "UNTOC 12/4"), (C, "8/12")]),
    # A/RES/80/229: "Conference of the Parties" is the Organized Crime Convention's.
    ("as well as Conference of the Parties resolution 12/2 of 18 October 2024, in which States Parties are encouraged",
     "General Assembly", [("other_resolution", "UNTOC 12/2")]),
    # A body named a clause earlier is not the issuer: the Assembly's own resolutions.
    ("and to discharge its functions as the secretariat of the conferences of the parties to the conventions, the "
     "Commission on Crime Prevention and Criminal Justice and the Commission on Narcotic Drugs, as well as the United "
     "Nations congresses on crime prevention and criminal justice, in accordance with its mandate, and requests the "
     "Secretariat to continue to provide support to the Commissions within their respective mandates, enabling them to "
     "actively contribute, as appropriate, to the global follow-up and the thematic review of progress made by Member "
     "States in the achievement of the Sustainable Development Goals as set forth in resolutions 70/299, and 72/305 of "
     "23 July 2018 and its resolution 78/225 on enhancing the contributions of the Commission", "General Assembly",
     [(GA, "A/RES/70/299"), (GA, "A/RES/72/305"), (GA, "A/RES/78/225")]),
    ("as well as Commission on Narcotic Drugs resolution 65/2, entitled “Strengthening international cooperation”;",
     "General Assembly", [("other_resolution", "CND 65/2")]),
])
def test_the_issuer_decides_the_kind(sentence, body, expected):
    assert [(r.kind, r.id) for r in references_in(sentence, body=body)] == expected


def test_links_point_to_the_documents():
    refs = {r.id: r for r in references_in("The General Assembly, in its resolution 71/208, and document "
                                           "CAC/COSP/2017/8; the Conference, in its resolution 7/1.")}
    assert refs["A/RES/71/208"].url == "https://undocs.org/A/RES/71/208"
    assert refs["CAC/COSP/2017/8"].url == "https://undocs.org/CAC/COSP/2017/8"
    assert "session7" in refs["7/1"].url


def test_same_resolution_points_back_to_the_last_one_named(seeds):
    doc = seeds["002_95027576749d3358.txt"]
    para17 = next(p for p in doc.paragraphs if p.at == "17")
    (start, _), *_ = anaphora_spans(para17.text)
    assert resolution_before(doc.references, para17.doc_offset(start)).id == "7/1"
    para2 = next(p for p in doc.paragraphs if p.at == "2")
    (start, _), *_ = anaphora_spans(para2.text)
    assert resolution_before(doc.references, para2.doc_offset(start)).id == "1/4"


def test_spans_point_at_the_printed_ids(seeds):
    doc = seeds["000_de38badff640f652.txt"]
    for r in doc.references:
        assert doc.text[r.start:r.end] in r.text or r.text in doc.text[r.start:r.end]
