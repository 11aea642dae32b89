"""cosp export --akn: resolutions out as Akoma Ntoso 3.0, valid, citable, and read back the same."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli import cli
from pipelines.corpus.parse import parse_path
from tests.test_languages import AKN, VERSIONS

GOLD = Path(__file__).parent / "gold" / "resolutions"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("akn")
    src = tmp / "in"
    src.mkdir()
    for lang3, code in (("fra", "fr"), ("ara", "ar"), ("zho", "zh")):
        (src / f"S_RES_2504_2020.{code}.xml").write_text(AKN.format(lang3=lang3, **VERSIONS[lang3]), encoding="utf-8")
    (src / "ga_resolution.txt").write_bytes((GOLD / "ga_resolution.txt").read_bytes())
    (src / "cosp_report_chapter.txt").write_bytes((GOLD / "cosp_report_chapter.txt").read_bytes())
    db = tmp / "cosp.db"
    built = CliRunner().invoke(cli, ["build", str(src), "--db", str(db)])
    assert built.exit_code == 0, built.output
    out = tmp / "out"
    result = CliRunner().invoke(cli, ["export", "--akn", str(out), "--db", str(db), "--validate"])
    return result, out


def test_every_resolution_text_is_written_and_valid_against_the_akn_schema(exported):
    result, out = exported
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.glob("*.xml"))
    assert {"S_RES_2504.fra.xml", "S_RES_2504.ara.xml", "S_RES_2504.zho.xml", "A_RES_74_276.eng.xml", "8_9.eng.xml"} <= set(names)
    assert re.search(r"wrote \d+ Akoma Ntoso file\(s\).*; (\d+) valid against the AKN 3.0 schema", result.output)


def test_the_frbr_iris_are_the_uns(exported):
    _, out = exported
    xml = (out / "S_RES_2504.fra.xml").read_text(encoding="utf-8")
    assert '<FRBRuri value="/akn/un/statement/deliberation/unsc/2020-01-10/2504-2020/" />' in xml
    assert '<FRBRuri value="/akn/un/statement/deliberation/unsc/2020-01-10/2504-2020/fra@/" />' in xml
    assert '<FRBRlanguage language="fra" />' in xml


def test_ids_are_the_numbers_delegates_cite(exported):
    _, out = exported
    xml = (out / "8_9.eng.xml").read_text(encoding="utf-8")
    assert 'eId="para_3"' in xml and 'eId="para_3__subpara_a"' in xml and 'eId="preamble__recital_1"' in xml
    assert '<inline name="operativeVerb" refersTo="#request">Requests</inline>' in xml


@pytest.mark.parametrize("name, lang", [("S_RES_2504.fra.xml", "fr"), ("S_RES_2504.ara.xml", "ar"),
                                        ("A_RES_74_276.eng.xml", "en")])
def test_an_exported_file_reads_back_as_the_same_resolution(exported, name, lang):
    _, out = exported
    doc = parse_path(out / name)
    [res] = doc.resolutions
    assert doc.meta.language == lang
    source = {"fr": "S/RES/2504", "ar": "S/RES/2504", "en": "A/RES/74/276"}[lang]
    assert res.id == source
    assert [p.kind for p in res.parts].count("operative") >= 2
    assert all(p.lemma for p in res.parts if p.kind == "operative")
