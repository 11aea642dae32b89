"""Language versions of one symbol: kept apart, lined up by number, shown side by side."""
from __future__ import annotations

import asyncio
from urllib.parse import quote

import pytest
import sqlite_utils

from pipelines.database.build import build
from pipelines.publish.serve import datasette_instance
from tests.test_languages import AKN, VERSIONS


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    src = tmp_path_factory.mktemp("versions")
    for lang3, code in (("fra", "fr"), ("ara", "ar"), ("rus", "ru")):
        (src / f"S_RES_2504_2020.{code}.xml").write_text(AKN.format(lang3=lang3, **VERSIONS[lang3]), encoding="utf-8")
    # A Russian copy with a paragraph missing: numbered differently from the others.
    short = dict(VERSIONS["rus"], n2="3.")
    (src / "S_RES_2504_2020.ru-copy.xml").write_text(AKN.format(lang3="rus", **short), encoding="utf-8")
    english = dict(issuer="The Security Council,", pp1="Recalling its resolutions 2042 (2012) and 2043 (2012),",
                   pp2="Reaffirming its strong commitment to the sovereignty of Syria,", n1="1.",
                   op1="Calls upon all parties to ensure humanitarian assistance;", n2="2.",
                   op2="Decides to remain actively seized of the matter.")
    (src / "S_RES_2504_2020.en.xml").write_text(AKN.format(lang3="eng", **english), encoding="utf-8")
    db_path = src / "cosp.db"
    build([src], db_path)
    return datasette_instance(db_path), sqlite_utils.Database(db_path)


def get(ds, url):
    return asyncio.run(ds.client.get(url))


def test_language_versions_are_documents_of_one_symbol_not_duplicates(site):
    _, db = site
    rows = list(db.query("select language, count(*) n from documents where symbol = 'S/RES/2504' group by language"))
    assert {r["language"]: r["n"] for r in rows} == {"en": 1, "fr": 1, "ar": 1, "ru": 2}
    messages = [r["message"] for r in db.query("select message from ingest_errors")]
    assert not any("duplicate symbol S/RES/2504 in 'fr'" in m or "in 'ar'" in m for m in messages)
    assert any("duplicate symbol S/RES/2504 in 'ru'" in m for m in messages)  # same symbol, same language


def test_a_version_numbered_differently_is_named_in_the_warnings(site):
    _, db = site
    messages = [r["message"] for r in db.query("select message from ingest_errors where stage = 'versions'")]
    assert any("numbered differently" in m and "missing here: 2" in m and "only here: 3" in m for m in messages)


def test_the_document_page_switches_language(site):
    ds, _ = site
    page = get(ds, "/-/cosp/document/S/RES/2504?lang=ar")
    assert page.status_code == 200
    assert 'dir="rtl"' in page.text and "يهيب بجميع الأطراف" in page.text
    assert ">Français</a>" in page.text and "/-/cosp/versions?symbol=S/RES/2504&amp;a=ar&amp;b=fr" in page.text


def test_two_versions_side_by_side_paragraph_by_paragraph(site):
    ds, _ = site
    page = get(ds, "/-/cosp/versions?symbol=" + quote("S/RES/2504") + "&a=fr&b=ar")
    assert page.status_code == 200
    row = page.text.split('id="p-1"')[1].split("</tr>")[0]
    assert "Exhorte toutes les parties" in row and "يهيب بجميع الأطراف" in row
    assert 'id="p-pp2"' in page.text


def test_the_side_by_side_page_escapes_what_it_is_given(site):
    ds, _ = site
    page = get(ds, "/-/cosp/versions?symbol=S/RES/2504&a=%3Cscript%3Ealert(1)%3C/script%3E")
    assert "<script>alert(1)" not in page.text


def test_a_mandate_page_shows_its_paragraph_in_the_other_languages(site):
    ds, db = site
    thread = next(db.query("select thread from mandates where document like '%.fr.xml' and at = '1'"))["thread"]
    page = get(ds, "/-/cosp/mandate?thread=" + quote(thread))
    assert page.status_code == 200
    assert "other language(s)" in page.text and "يهيب بجميع الأطراف" in page.text


def test_a_translated_verb_of_two_meanings_takes_the_english_versions(site):
    """French "Exhorte" reads as urge; the English version of the same paragraph says "Calls upon"."""
    _, db = site
    fr = next(db.query("select verb, verb_printed from mandates where document like '%.fr.xml' and at = '1'"))
    assert (fr["verb"], fr["verb_printed"]) == ("call upon", "Exhorte")


def test_the_documents_page_links_each_version_to_its_own_page(site):
    """Five files, one symbol: each row of the documents page opens its own version (a symbol's
    page opens the English one), so the French row is the French text."""
    ds, _ = site
    page = get(ds, "/-/cosp/documents").text
    assert 'href="/-/cosp/document/S/RES/2504"' in page  # the English version, by its symbol
    for f in ("S_RES_2504_2020.fr.xml", "S_RES_2504_2020.ar.xml", "S_RES_2504_2020.ru.xml"):
        assert f'href="/-/cosp/document/{f}"' in page, f
