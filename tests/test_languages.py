"""Reading the six UN languages: references, operative verbs, resolutions, Akoma Ntoso."""
from __future__ import annotations

from pathlib import Path

import pytest

from extract.errors import ReadError
from extract.operative_verbs import opening, same_meaning
from extract.readers import read_bytes
from extract.references import references_in
from pipelines.corpus.parse import parse_bytes

SHARED = Path(__file__).resolve().parents[2] / "shared"
AKN_DIR = SHARED / "corpus" / "multilingual" / "unsc-akn" / "2020"
TEXTS = SHARED / "corpus" / "multilingual" / "texts"


@pytest.mark.parametrize("lang, text, ids", [
    ("en", "Recalling its previous resolutions concerning Sudan, in particular 1591 (2005), 1651 (2005) and 1665 (2006),",
     ["S/RES/1591 (2005)", "S/RES/1651 (2005)", "S/RES/1665 (2006)"]),
    ("fr", "Rappelant ses résolutions 2042 (2012), 2043 (2012) et 2449 (2018) et les déclarations de sa présidence des "
           "3 août 2011 (S/PRST/2011/16)", ["S/RES/2042 (2012)", "S/RES/2043 (2012)", "S/RES/2449 (2018)", "S/PRST/2011/16"]),
    ("ru", "ссылаясь на свои резолюции 2042 (2012), 2043 (2012) и 2449 (2018)",
     ["S/RES/2042 (2012)", "S/RES/2043 (2012)", "S/RES/2449 (2018)"]),
    ("ar", "وفقا لقرارات مجلس الأمن 1325 (2000) و 1820 (2008) و 2242 (2015)",
     ["S/RES/1325 (2000)", "S/RES/1820 (2008)", "S/RES/2242 (2015)"]),
    ("ar", "على النحو المنصوص عليه في قرار الجمعية العامة 46/182، ويكرر", ["A/RES/46/182"]),
    ("zh", "回顾其第2042(2012)、2043(2012)号决议，以及2011年8月3日(S/PRST/2011/16)、2012年3月21日(S/PRST/2012/6)的主席声明",
     ["S/RES/2042 (2012)", "S/RES/2043 (2012)", "S/PRST/2011/16", "S/PRST/2012/6"]),
    ("zh", "回顾制裁一般性问题非正式工作组关于最佳做法和方法的报告(S/2006/997)，包括", ["S/2006/997"]),
    # a list whose items each give their adoption date, in every language
    ("en", "including its resolutions 242 (1967) of 22 November 1967, 338 (1973) of 22 October 1973 and 1850 (2008) "
           "of 16 December 2008;", ["S/RES/242 (1967)", "S/RES/338 (1973)", "S/RES/1850 (2008)"]),
    ("fr", "notamment ses résolutions 242 (1967) du 22 novembre 1967, 338 (1973) du 22 octobre 1973 et 1850 (2008) du "
           "16 décembre 2008 ;", ["S/RES/242 (1967)", "S/RES/338 (1973)", "S/RES/1850 (2008)"]),
    ("es", "incluidas las resoluciones 242 (1967), de 22 de noviembre de 1967, 338 (1973), de 22 de octubre de 1973, y "
           "1850 (2008), de 16 de diciembre de 2008,", ["S/RES/242 (1967)", "S/RES/338 (1973)", "S/RES/1850 (2008)"]),
    ("ru", "включая резолюции 242 (1967) от 22 ноября 1967 года, 338 (1973) от 22 октября 1973 года и 1850 (2008) от 16 "
           "декабря 2008 года,", ["S/RES/242 (1967)", "S/RES/338 (1973)", "S/RES/1850 (2008)"]),
    ("ar", "بما فيها قراراته 242 (1967) المؤرخ 22 تشرين \u200fالثاني/نوفمبر 1967، و 338 (1973) المؤرخ 22 تشرين الأول/أكتوبر "
           "1973، و 1423 (2002) المؤرخ 12 تموز/يوليه 2002", ["S/RES/242 (1967)", "S/RES/338 (1973)", "S/RES/1423 (2002)"]),
    ("zh", "包括1967年11月22日第242(1967)号、1973年10月22日第338(1973)号和2008年12月16日第1850(2008)号决议，在中东",
     ["S/RES/242 (1967)", "S/RES/338 (1973)", "S/RES/1850 (2008)"]),
    ("zh", "回顾安理会在第2378(2017)和第2436(2018)号决议中请秘书长", ["S/RES/2378 (2017)", "S/RES/2436 (2018)"]),
    # a symbol in brackets after a date ("14日" ends in a digit, the closing bracket is stripped first)
    ("zh", "回顾2018年5月14日安理会主席声明(S/PRST/2018/10)，表示", ["S/PRST/2018/10"]),
    # the Council's resolution printed as a symbol takes the id's form
    ("en", "as well as A/RES/60/180 and S/RES/1645 (2005) of 20 December 2005", ["A/RES/60/180", "S/RES/1645 (2005)"]),
    # "70/262" after "the General Assembly and the Security Council": the Council numbers "2282 (2016)"
    ("zh", "重申大会和安全理事会2016年4月27日第70/262号决议和第2282(2016)号决议", ["A/RES/70/262", "S/RES/2282 (2016)"]),
])
def test_a_security_council_text_cites_its_resolutions_and_documents_in_every_language(lang, text, ids):
    assert [r.id for r in references_in(text, "Security Council", lang)] == ids


@pytest.mark.parametrize("lang, text, kind, ref_id", [
    ("fr", "Rappelant sa résolution 7/1 sur le renforcement de la coopération", "cosp_resolution", "7/1"),
    ("es", "Recordando su resolución 7/1, relativa a la cooperación", "cosp_resolution", "7/1"),
    ("ru", "ссылаясь на свою резолюцию 7/1 об укреплении сотрудничества", "cosp_resolution", "7/1"),
    ("zh", "回顾其第7/1号决议", "cosp_resolution", "7/1"),
    ("ar", "وإذ يشير إلى القرار 7/1", "cosp_resolution", "7/1"),
    ("fr", "conformément à l’article 56 de la Convention", "uncac_article", "56"),
    ("es", "de conformidad con el artículo 56 de la Convención", "uncac_article", "56"),
    ("ru", "в соответствии со статьей 56 Конвенции", "uncac_article", "56"),
    ("fr", "dans sa résolution 55/188 de l’Assemblée générale", "ga_resolution", "A/RES/55/188"),
])
def test_references_are_the_same_ids_in_every_language(lang, text, kind, ref_id):
    refs = references_in(text, "Conference", lang)
    assert (kind, ref_id) in {(r.kind, r.id) for r in refs}


@pytest.mark.parametrize("lang, text, printed, lemma", [
    ("en", "Calls upon all parties to ensure principled, sustained and improved humanitarian assistance", "Calls upon",
     "call upon"),
    ("en", "Further decides that the Working Group shall meet", "Further decides", "decide"),
    ("fr", "Prie l’Office des Nations Unies contre la drogue et le crime d’apporter son expertise", "Prie", "request"),
    ("fr", "Demande au Secrétaire général de lui présenter un rapport", "Demande", "request"),
    ("fr", "Demande aux parties de réduire les obstacles existants", "Demande", "call upon"),
    ("fr", "Demande que des mesures soient prises pour renforcer l’appui sanitaire", "Demande", "call for"),
    ("fr", "Décide de rester activement saisi de la question.", "Décide", "decide"),
    ("es", "Exhorta a todas las partes a que velen por que en 2020 Siria reciba", "Exhorta", "call upon"),
    ("es", "Solicita al Secretario General que le presente un informe", "Solicita", "request"),
    ("es", "Pide a todas las partes que respeten el alto el fuego", "Pide", "call upon"),
    ("es", "Pide al Secretario General que le informe cada 90 días", "Pide", "request"),
    ("ru", "настоятельно призывает все стороны выполнить", "настоятельно призывает", "urge"),
    ("ru", "просит Генерального секретаря представить доклад", "просит", "request"),
    ("zh", "还请秘书长每月向安理会通报情况", "还请", "request"),
    ("ar", "يطلب إلى الأمين العام أن يقدم تقريرا", "يطلب", "request"),
    # the UN's wider operative vocabulary, beyond the verbs of the seed half
    ("fr", "Déplore les pertes en vies humaines", "Déplore", "deplore"),
    ("fr", "Proroge jusqu’au 31 janvier 2021 le mandat de la Mission", "Proroge", "extend"),
    ("fr", "Fait siennes les recommandations du Secrétaire général", "Fait siennes", "endorse"),
    ("fr", "Rappelle aux États Membres leur obligation", "Rappelle aux", "remind"),
    ("es", "Prorroga hasta el 15 de marzo de 2021 el mandato", "Prorroga", "extend"),
    ("es", "Hace suyas las recomendaciones del Secretario General", "Hace suyas", "endorse"),
    ("ru", "продлевает мандат Миссии до 31 мая 2021 года", "продлевает", "extend"),
    ("ru", "выражает сожаление в связи с", "выражает сожаление", "regret"),
    ("ar", "يمدد ولاية البعثة حتى 31 آذار/مارس 2021", "يمدد", "extend"),
    ("zh", "延长特派团的任务期限至2021年3月31日", "延长", "extend"),
    # adverbs chained before the verb, in English and in the packs' ``before``
    ("en", "Further strongly condemns any misuse or obstruction of humanitarian assistance", "Further strongly condemns",
     "condemn"),
    ("ru", "вновь решительно подтверждает необходимость эффективного и долгосрочного развертывания",
     "вновь решительно подтверждает", "reaffirm"),
    ("ru", "с озабоченностью отмечает способность «Аш-Шабааб» получать доходы", "с озабоченностью отмечает", "note"),
    ("ru", "вновь призывает все стороны", "вновь призывает", "reiterate"),  # a verb of its own, not вновь + призывает
    # "призывает" with an addressee calls upon it; with an infinitive straight after, it calls for the act
    ("ru", "призывает все государства-члены в полной мере соблюдать эмбарго", "призывает", "call upon"),
    ("ru", "призывает создать эффективный механизм для прямых военных контактов", "призывает", "call for"),
    ("ru", "призывает власти провести расследование", "призывает", "call upon"),
    # the verb after a participial clause
    ("en", "Noting the increase in IED attacks undertaken by Al-Shabaab, decides that all States shall prevent",
     "decides", "decide"),
    ("en", "While noting improvements in Somalia, recognizes that piracy exacerbates instability", "recognizes",
     "recognize"),
    ("fr", "Notant l’augmentation des attentats aux engins explosifs improvisés menés par les Chabab, décide que",
     "décide", "decide"),
    ("ru", "признавая, что ВСООНЛ успешно выполняют свой мандат с 2006 года, постановляет утвердить снижение",
     "постановляет", "decide"),
])
def test_the_operative_verb_reads_to_its_english_lemma(lang, text, printed, lemma):
    verb = opening(text, lang)
    assert verb is not None and verb.printed == printed and verb.lemma == lemma


def test_a_participial_paragraph_without_a_later_verb_keeps_its_first_word():
    verb = opening("Recognizing that UNIFIL has successfully implemented its mandate since 2006", "en")
    assert verb is not None and verb.printed == "Recognizing" and verb.lemma == "recognizing"


@pytest.mark.parametrize("filler", [380, 1200, 5000])
def test_a_long_chinese_paragraph_is_read_to_its_end(filler):
    # Chinese prints no spaces: a paragraph is one run of characters, however long
    text = "欢迎秘书长采取积极举措" + "，确保军警和文职妇女在各个层面充分参与" * (filler // 20) + "，并执行第2538(2020)号决议的其他相关规定；"
    assert [r.id for r in references_in(text, "Security Council", "zh")] == ["S/RES/2538 (2020)"]


def test_an_unknown_verb_keeps_its_printed_word_and_no_lemma():
    verb = opening("Frobnique les États", "fr")
    assert verb is not None and verb.printed == "Frobnique" and verb.lemma is None


def test_synonyms_translations_merge_count_as_one_meaning():
    assert same_meaning("stress", "underscore") and same_meaning("reiterate", "reaffirm")
    assert not same_meaning("request", "call upon") and not same_meaning(None, "decide")


AKN = """<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><statement name="resolution"><meta>
<identification source="#DGACM"><FRBRWork><FRBRuri value="/akn/un/statement/deliberation/unsc/2020-01-10/2504-2020/"/>
<FRBRdate date="2020-01-10" name="adoption"/></FRBRWork><FRBRExpression>
<FRBRuri value="/akn/un/statement/deliberation/unsc/2020-01-10/2504-2020/{lang3}@/"/><FRBRlanguage language="{lang3}"/>
</FRBRExpression></identification></meta>
<coverPage><p><docNumber>S/RES/2504 (2020)</docNumber></p></coverPage>
<preamble><formula name="enactingFormula"><p>{issuer}</p></formula>
<container name="a"><p>{pp1}</p></container><container name="b"><p>{pp2}</p></container></preamble>
<mainBody><paragraph eId="para_1"><num>{n1}</num><content><p>{op1}</p></content></paragraph>
<paragraph eId="para_2"><num>{n2}</num><content><p>{op2}</p></content></paragraph></mainBody></statement></akomaNtoso>"""

VERSIONS = {
    "fra": dict(issuer="Le Conseil de sécurité,", pp1="Rappelant ses résolutions 2042 (2012) et 2043 (2012),",
                pp2="Réaffirmant son ferme attachement à la souveraineté de la Syrie,", n1="1.",
                op1="Exhorte toutes les parties à garantir une aide humanitaire ;", n2="2.",
                op2="Décide de rester activement saisi de la question."),
    "ara": dict(issuer="إن مجلس الأمن،", pp1="إذ يشير إلى قراراته 2042 (2012) و 2043 (2012)،",
                pp2="وإذ يؤكد من جديد التزامه القوي بسيادة سوريا،", n1="1 -",
                op1="يهيب بجميع الأطراف أن تكفل تقديم المساعدة الإنسانية؛", n2="2 -",
                op2="يقرر أن يبقي المسألة قيد نظره الفعلي."),
    "rus": dict(issuer="Совет Безопасности,", pp1="ссылаясь на свои резолюции 2042 (2012) и 2043 (2012),",
                pp2="вновь подтверждая свою твердую приверженность суверенитету Сирии,", n1="1.",
                op1="призывает все стороны обеспечить оказание гуманитарной помощи;", n2="2.",
                op2="постановляет продолжать активно заниматься этим вопросом."),
    "zho": dict(issuer="安全理事会，", pp1="回顾其第2042(2012)号和第2043(2012)号决议，",
                pp2="重申坚定致力于维护叙利亚的主权，", n1="1.", op1="促请所有各方确保开展人道主义援助；", n2="2.",
                op2="决定继续积极处理此案。"),
}


@pytest.mark.parametrize("lang3, lang, first", [("fra", "fr", "urge"), ("ara", "ar", "call upon"),
                                                ("rus", "ru", "call upon"), ("zho", "zh", "call upon")])
def test_an_akoma_ntoso_resolution_reads_like_its_printed_text(lang3, lang, first):
    doc = parse_bytes(AKN.format(lang3=lang3, **VERSIONS[lang3]).encode(), f"S_RES_2504_2020.{lang}.xml")
    assert doc.format == "akn" and doc.meta.language == lang and doc.meta.symbol == "S/RES/2504"
    [res] = doc.resolutions
    assert res.body == "Security Council" and res.id == "S/RES/2504" and res.adopted == "2020-01-10"
    assert [p.kind for p in res.parts] == ["preambular", "preambular", "operative", "operative"]
    assert [p.lemma for p in res.parts if p.kind == "operative"] == [first, "decide"]


@pytest.mark.parametrize("data, says", [
    (b"\n", "is empty"),
    (b"<akomaNtoso xmlns='http://docs.oasis-open.org/legaldocml/ns/akn/3.0'><statement>", "not well-formed"),
    (b"<?xml version='1.0'?><html><body>hello</body></html>", "not Akoma Ntoso"),
])
def test_a_broken_xml_file_is_refused_with_a_message(data, says):
    with pytest.raises(ReadError) as err:
        read_bytes(data, "S_RES_test.fr.xml")
    assert says in str(err.value)


def test_a_declaration_the_script_contradicts_loses_to_the_script():
    v = dict(VERSIONS["rus"])
    doc = parse_bytes(AKN.format(lang3="eng", **v).encode(), "S_RES_2504_2020.en.xml")
    assert doc.meta.language == "ru"
    assert any("declares" in w for w in doc.warnings)


@pytest.mark.skipif(not TEXTS.is_dir(), reason="../shared/corpus/multilingual is absent: put ../shared beside the repository")
def test_a_french_resolution_page_gives_its_mandates_with_the_printed_verbs():
    path = TEXTS / "A_RES_73_191__p2__fr.txt"
    doc = parse_bytes(path.read_bytes(), str(path))
    got = [(m.at, m.body, m.resolution, m.verb, m.verb_printed) for m in doc.mandates]
    assert got == [("1", "General Assembly", "A/RES/73/191", "decide", "Décide"),
                   ("2", "General Assembly", "A/RES/73/191", "decide", "Décide"),
                   ("3", "General Assembly", "A/RES/73/191", "invite", "Invite"),
                   ("4", "General Assembly", "A/RES/73/191", "request", "Prie"),
                   ("5", "General Assembly", "A/RES/73/191", "decide", "Décide")]
    assert doc.mandates[3].addressee == "l’Office des Nations Unies contre la drogue et le crime"


@pytest.mark.skipif(not TEXTS.is_dir(), reason="../shared/corpus/multilingual is absent: put ../shared beside the repository")
def test_a_spanish_report_gives_the_mandate_it_reports():
    path = TEXTS / "CAC_COSP_2021_13__es.txt"
    doc = parse_bytes(path.read_bytes(), str(path))
    assert [(m.body, m.resolution, m.verb, m.verb_printed) for m in doc.mandates] == [
        ("Conference", "1/4", "establish", "estableció")]


@pytest.mark.skipif(not AKN_DIR.is_dir(), reason="../shared/corpus/multilingual/unsc-akn is absent")
@pytest.mark.parametrize("lang", ["fr", "es", "ru", "ar", "zh"])
def test_a_security_council_resolution_agrees_with_its_english_version(lang):
    english = parse_bytes((AKN_DIR / "S_RES_2504_2020.en.xml").read_bytes(), "S_RES_2504_2020.en.xml")
    other = parse_bytes((AKN_DIR / f"S_RES_2504_2020.{lang}.xml").read_bytes(), f"S_RES_2504_2020.{lang}.xml")
    en_parts = [p for p in english.resolutions[0].parts]
    parts = [p for p in other.resolutions[0].parts]
    assert [p.address for p in parts] == [p.address for p in en_parts]  # same preamble count, same numbers
    agree = sum(same_meaning(a.lemma, b.lemma) for a, b in zip(parts, en_parts) if b.kind == "operative")
    assert agree >= 9  # of 10 operative paragraphs


EN_REPORT = ("United Nations CAC/COSP/2019/99\n\nDistr.: General\n1 May 2019\nOriginal: English\n\nNote by the Secretariat\n\n"
             + "".join(f"{i}. The Conference requested the Secretariat to report on the implementation of article {i} "
                       "of the Convention and on the work of the Group.\n\n" for i in range(1, 6)))


def test_an_annex_in_another_language_is_flagged_and_the_document_kept_in_its_own():
    annex = "Annexe\n\n" + "".join(f"{i}. La Conférence a prié le Secrétariat de lui faire rapport sur l’application "
                                   f"de l’article {i} de la Convention et sur les travaux du Groupe de travail.\n\n"
                                   for i in range(6, 12))
    doc = parse_bytes((EN_REPORT + annex).encode(), "mixed.txt")
    assert doc.meta.language == "en"
    assert any("its annex from 'Annexe'" in w and "reads as 'fr'" in w for w in doc.warnings)


def test_a_header_declaring_another_language_than_the_text_is_flagged():
    text = ("United Nations CAC/COSP/2019/99\n\nDistr.: General\n1 May 2019\nV.19-00001 (F)\n\n"
            + "".join(f"{i}. Конференция просила секретариат представить доклад об осуществлении статьи {i} "
                      "Конвенции.\n\n" for i in range(1, 6)))
    doc = parse_bytes(text.encode(), "ru.txt")
    assert doc.meta.language == "ru"
    assert any("not the language the header declares" in w and "(F)" in w for w in doc.warnings)


def test_a_language_without_a_pack_is_read_and_said():
    text = ("Der Ausschuss hat das Sekretariat ersucht, über die Umsetzung des Übereinkommens zu berichten. "
            "Die Vertragsstaaten werden gebeten, ihre Berichte rechtzeitig vorzulegen und die Empfehlungen umzusetzen.\n") * 4
    doc = parse_bytes(text.encode(), "de.txt")
    assert doc.meta.language == "de"
    assert any("a language without a pack" in w for w in doc.warnings)


@pytest.mark.parametrize("closing", [",", ""])
def test_a_preambular_paragraph_missing_its_comma_ends_where_the_next_one_opens(closing):
    """S/RES/2524 (2020) in Russian, as the UN's own markup prints it: one preambular paragraph
    lacks its closing comma; the next one ("особо отмечая ...") still opens a paragraph of its own."""
    text = ("Резолюция 2524 (2020),\n\nпринятая Советом Безопасности на его 8758-м заседании 4 июня 2020 года\n\n"
            "Совет Безопасности,\n\n"
            "подтверждая все свои предыдущие резолюции, касающиеся положения в Судане,\n\n"
            "подчеркивая необходимость того, чтобы правительство Судана обеспечивало привлечение виновных к "
            f"ответственности{closing}\n\n"
            "особо отмечая главную ответственность правительства Судана за урегулирование давних факторов "
            "нестабильности,\n\n"
            "1. постановляет учредить Миссию;\n\n2. постановляет продолжать активно заниматься этим вопросом.\n")
    doc = parse_bytes(text.encode("utf-8"), "S_RES_2524_2020.ru.txt")
    pre = [p.text[:20] for r in doc.resolutions for p in r.parts if p.kind == "preambular"]
    assert pre == ["подтверждая все свои", "подчеркивая необходи", "особо отмечая главну"]
