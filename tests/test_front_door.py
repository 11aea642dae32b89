"""The front door: the home page, the site's search, resolutions by any name, registry entries by
any of their names, readable document names, the redline to take away, and junk listed as junk.

Through Datasette's own client over the bundled corpus (plus, where said, a file that is not a
UN document)."""
from __future__ import annotations

import asyncio
import io
import re
import sqlite3
from urllib.parse import quote

import pytest
import sqlite_utils

from pipelines.corpus.ingest import BUNDLED
from pipelines.database.build import build
from pipelines.publish.entities import find_entity
from pipelines.publish.resolutions import resolve
from pipelines.publish.search import fts_query
from pipelines.publish.serve import datasette_instance

HASH_NAME = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("door")
    corpus = folder / "corpus"
    corpus.mkdir()
    for f in BUNDLED.iterdir():
        if f.is_file():
            (corpus / f.name).write_bytes(f.read_bytes())
    (corpus / "shopping.txt").write_text("Shopping list\n\neggs\nmilk\nbread, 2 loaves\n", encoding="utf-8")
    db_path = folder / "cosp.db"
    build([corpus], db_path)
    return datasette_instance(db_path), sqlite_utils.Database(db_path)


def get(ds, url):
    return asyncio.run(ds.client.get(url))


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("typed, rid", [
    ("7/1", "7/1"), ("resolution 7/1", "7/1"), ("Resolution 7/1", "7/1"),
    ("71/208", "A/RES/71/208"), ("A/RES/71/208", "A/RES/71/208"), ("General Assembly resolution 71/208", "A/RES/71/208"),
    ("8/9", "8/9"), ("99/99", None), ("asset recovery", None), ("", None),
])
def test_a_resolution_is_found_by_any_way_of_writing_it(site, typed, rid):
    _, db = site
    assert resolve(db.conn, typed) == rid


def test_a_resolution_of_another_body_keeps_its_issuer(site):
    _, db = site
    conn = sqlite3.connect(":memory:")
    conn.executescript("create table resolutions (id text); create table [references] (ref_id text, kind text);"
                       "insert into [references] values ('CCPCJ 25/2', 'other_resolution'), ('A/RES/25/2', 'ga_resolution');")
    assert resolve(conn, "CCPCJ 25/2") == "CCPCJ 25/2"
    assert resolve(conn, "Commission on Crime Prevention and Criminal Justice resolution 25/2") == "CCPCJ 25/2"
    assert resolve(conn, "25/2") == "A/RES/25/2"  # a bare number is the Conference's, else the Assembly's


def test_resolution_7_1_lists_the_mandates_reported_under_it_by_who_is_asked(site):
    ds, db = site
    r = get(ds, "/-/cosp/resolution?id=" + quote("resolution 7/1"))
    assert r.status_code == 200
    page = text_of(r.text)
    assert "Mandates reported under it, by who is asked" in page
    who = re.findall(r"([\w ]+?) : \d+ mandates?, \d+ reports?", page)
    assert who[0].strip() == "the Secretariat" and "States parties" in [w.strip() for w in who]  # the Secretariat first
    n = db.execute("select count(distinct thread) from mandates where resolution = '7/1' and at_source = 0").fetchone()[0]
    assert r.text.count('>timeline</a>') >= n > 0
    assert 'href="/-/cosp/document/CAC/COSP/WG.2/2018/2#p-36"' in r.text  # a report, linked to its paragraph


def test_a_resolution_only_cited_has_a_page_and_the_index_lists_every_one(site):
    ds, db = site
    r = get(ds, "/-/cosp/resolution/71/208")
    assert r.status_code == 200 and "Resolution A/RES/71/208" in r.text and "not in the corpus" in r.text
    index = get(ds, "/-/cosp/resolutions")
    assert index.status_code == 200
    cited = {row[0] for row in db.execute("select distinct ref_id from [references] where kind in "
                                          "('cosp_resolution', 'ga_resolution', 'other_resolution')")}
    for rid in cited:
        assert f">{rid}</a>" in index.text.replace("&#39;", "'"), rid
    assert text_of(index.text).index("Conference of the States Parties") < text_of(index.text).index("General Assembly (")


@pytest.mark.parametrize("typed, name", [
    ("CARIN", "Camden Asset Recovery Inter-Agency Network"), ("carin", "Camden Asset Recovery Inter-Agency Network"),
    ("GlobE", "Global Operational Network of Anti-Corruption Law Enforcement Authorities"),
    ("Egmont", "Egmont Group of Financial Intelligence Units"), ("ARIN-SA", "Asset Recovery Inter-Agency Network for Southern Africa"),
    ("GAFILAT Asset Recovery Network", "Asset Recovery Network of the Financial Action Task Force of Latin America"),
    ("Network", None), ("Asset Recovery", None),  # several hold these words: no guess
])
def test_a_network_is_found_by_its_name_acronym_or_alias(site, typed, name):
    _, db = site
    found = find_entity(db.conn, "network", typed)
    assert (found or {}).get("name") == name


@pytest.mark.parametrize("name", ["CARIN", "GlobE", "Egmont", "ARIN-SA"])
def test_network_pages_answer_by_acronym(site, name):
    ds, _ = site
    assert get(ds, "/-/cosp/network?name=" + quote(name)).status_code == 200


def test_network_mentions_by_document_takes_an_acronym_and_shows_names_not_files(site):
    ds, _ = site
    r = get(ds, "/cosp/network_mentions_by_document?network=CARIN")
    rows = get(ds, "/cosp/network_mentions_by_document.json?_shape=array&network=CARIN").json()
    assert rows and {x["network"] for x in rows} == {"Camden Asset Recovery Inter-Agency Network"}
    assert not HASH_NAME.search(text_of(r.text))


def test_documents_have_one_readable_name_and_no_page_shows_a_file_hash(site):
    ds, db = site
    names = dict(db.execute("select id, name from documents").fetchall())
    assert names["001_2874813f072c823d.txt"].startswith("Revised draft non-binding guidelines")
    assert names["000_de38badff640f652.txt"] == "CAC/COSP/WG.2/2018/5"
    for url in ["/", "/-/cosp/documents", "/-/cosp/redline", "/-/cosp/resolution/7/1", "/-/cosp/threads",
                "/-/cosp/network?name=CARIN", "/cosp/mentions", "/cosp/mandates", "/-/cosp/addressee?name=the+Secretariat",
                "/cosp/network_mentions_by_document?network=ARIN", "/cosp/paragraphs/000_de38badff640f652~2Etxt~233",
                "/cosp/paragraphs"]:
        r = get(ds, url)
        assert r.status_code == 200, url
        assert not HASH_NAME.search(text_of(r.text)), (url, HASH_NAME.search(text_of(r.text)))


def test_the_redline_counts_an_added_paragraph_as_added_not_strengthened(site):
    ds, db = site
    added_with_modal = db.execute("select count(*) from guideline_alignment where relation = 'added' "
                                  "and direction = 'strengthened'").fetchone()[0]
    assert added_with_modal  # "none -> may": the alignment keeps the modal verbs as the keys give them ...
    shifted = db.execute("select direction, count(*) from guideline_alignment where relation not in "
                         "('added', 'removed') and direction not in ('same', 'none') group by direction").fetchall()
    page = text_of(get(ds, "/-/cosp/redline").text)
    counted = re.search(r"Obligation shifts: (.*?)\.", page).group(1)
    assert counted == ", ".join(f"{n} {d}" for d, n in sorted(shifted))  # ... but the page counts only real shifts


def test_only_obligation_shifts_lists_only_shifts(site):
    ds, _ = site
    page = get(ds, "/-/cosp/redline?shifts=1").text
    rows = re.findall(r'<td class="meta">(.*?)</td>', page, re.S)
    assert rows and all("softened" in r or "strengthened" in r for r in rows)


def _tracked_text(paragraph, accept: bool) -> str:
    out = []
    for el in paragraph.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        inside = {a.tag.rsplit("}", 1)[-1] for a in el.iterancestors()}
        if tag == "t" and (accept or "ins" not in inside):
            out.append(el.text or "")
        elif tag == "delText" and not accept:
            out.append(el.text or "")
    return "".join(out)


def test_the_redline_downloads_as_word_with_tracked_changes_matching_the_alignment(site):
    import docx

    ds, db = site
    r = get(ds, "/-/cosp/redline.docx")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    document = docx.Document(io.BytesIO(r.content))
    body = document.element.body
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    assert body.findall(f".//{w}ins") and body.findall(f".//{w}del")
    by_at = {}
    for p in body.iter(f"{w}p"):
        first = _tracked_text(p, True).split(" ", 1)[0]
        if re.fullmatch(r"g\d+\.\d+", first):
            by_at.setdefault(first, []).append(p)
    versions = [v for v, in db.execute("select id from guideline_versions order by position")]
    old, new = versions[0], versions[-1]
    new_text = dict(db.execute("select at, text from guideline_paragraphs where version = ? and kind = 'paragraph'", [new]))
    old_text = dict(db.execute("select at, text from guideline_paragraphs where version = ? and kind = 'paragraph'", [old]))
    accepted = " ".join(_tracked_text(p, True) for ps in by_at.values() for p in ps)
    rejected = " ".join(_tracked_text(p, False) for ps in by_at.values() for p in ps)
    squash = lambda s: re.sub(r"\s+", " ", s)  # noqa: E731
    for at, text in new_text.items():
        assert squash(text) in squash(accepted), at
    for at, text in old_text.items():
        assert squash(text) in squash(rejected), at
    shifts = db.execute("select count(*) from guideline_alignment where from_version = ? and to_version = ? "
                        "and direction in ('strengthened', 'softened') and relation not in ('added', 'removed')",
                        [old, new]).fetchone()[0]
    assert len(list(document.comments)) >= shifts > 0


def test_the_redline_downloads_as_one_standalone_html_file(site):
    ds, _ = site
    r = get(ds, "/-/cosp/redline.html")
    assert r.status_code == 200 and r.text.startswith("<!DOCTYPE html>")
    assert "<ins>" in r.text and "<del>" in r.text and "<script" not in r.text and "/-/static" not in r.text


@pytest.mark.parametrize("typed, expected", [
    ("A/RES/71/208", '("A/RES/71/208" OR "71/208")'), ("spont*", '"spont" *'), ("7/1", '"7/1"'), ("", '""'),
    ("a*", '"a"'),  # a one-letter prefix would match most of the index
])
def test_search_forgives_prefixes_and_symbols_as_typed(typed, expected):
    assert fts_query(typed) == expected


@pytest.mark.parametrize("q, at_least", [("spont*", 5), ("A/RES/71/208", 1), ("spontanéous", 1), ("CARIN", 1)])
def test_the_search_box_finds_text(site, q, at_least):
    ds, _ = site
    r = get(ds, "/-/cosp/search?q=" + quote(q))
    m = re.search(r"In the text \((\d+) match", r.text)
    assert r.status_code == 200 and m and int(m.group(1)) >= at_least, q


def test_the_search_box_goes_straight_to_what_the_words_name(site):
    ds, _ = site
    page = get(ds, "/-/cosp/search?q=" + quote("resolution 7/1")).text
    assert 'href="/-/cosp/resolution?id=7/1"' in page
    page = get(ds, "/-/cosp/search?q=CARIN").text
    assert "Camden Asset Recovery Inter-Agency Network (CARIN)" in page


def test_every_page_has_the_search_box_and_canned_queries_hide_their_sql(site):
    ds, _ = site
    for url in ["/", "/-/cosp/documents", "/cosp/mandates", "/cosp/search_paragraphs?q=asset"]:
        assert 'action="/-/cosp/search"' in get(ds, url).text, url
    page = get(ds, "/cosp/search_paragraphs?q=asset").text
    assert "<title>Search paragraphs</title>" in page and "<textarea" not in page and "show" in page


def test_the_home_page_is_a_front_door(site):
    ds, db = site
    page = get(ds, "/").text
    for link in ["/-/cosp/resolutions", "/-/cosp/addressee?name=the+Secretariat", "/-/cosp/redline", "/-/cosp/network",
                 "/-/cosp/documents", "/-/cosp/new"]:
        assert f'href="{link}"' in page, link
    n = db.execute("select count(*) from documents").fetchone()[0]
    assert f"{n} documents" in text_of(page)


def test_a_file_that_is_no_un_document_is_listed_as_such_never_as_none(site):
    ds, _ = site
    page = get(ds, "/-/cosp/documents").text
    assert "Files that do not read as UN documents" in page and "shopping.txt" in page
    assert "manifest.tsv" in page  # what to do when one is a UN document after all
    assert ">None<" not in page and "None · None" not in page
    doc = get(ds, "/-/cosp/document/shopping.txt").text
    assert "does not read as a UN document" in doc and "None" not in text_of(doc).replace("Nonetheless", "")


def test_the_search_index_tables_have_no_pages_and_are_not_linked(site):
    ds, _ = site
    assert get(ds, "/cosp/texts_fts_idx").status_code == 403
    assert "texts_fts_idx" not in get(ds, "/cosp").text


def test_the_thread_list_filters_by_resolution_addressee_and_body_and_leaves_out_observations(site):
    ds, db = site
    every = get(ds, "/-/cosp/threads?observations=1").text
    acting = get(ds, "/-/cosp/threads").text
    observed = db.execute("select count(distinct thread) from mandates where id = thread and strength = 'observation'").fetchone()[0]
    assert observed and every.count("/-/cosp/mandate?thread=") - acting.count("/-/cosp/mandate?thread=") == observed
    page = get(ds, "/-/cosp/threads?resolution=7/1&addressee=" + quote("the Secretariat")).text
    expected = db.execute("select count(distinct thread) from mandates where thread in (select thread from mandates "
                          "where resolution = '7/1') and thread in (select thread from mandates where addressee_key = "
                          "'the Secretariat')").fetchone()[0]
    assert page.count("/-/cosp/mandate?thread=") == expected > 0


def test_the_home_page_says_what_is_new_since_the_build_before(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    seeds = sorted(f for f in BUNDLED.iterdir() if f.is_file())
    for f in seeds[:-1]:
        (corpus / f.name).write_bytes(f.read_bytes())
    db_path = tmp_path / "cosp.db"
    build([corpus], db_path)
    (corpus / seeds[-1].name).write_bytes(seeds[-1].read_bytes())
    build([corpus], db_path)
    db = sqlite_utils.Database(db_path)
    first = db.execute("select built_at from build_history order by id limit 1").fetchone()[0]
    name = db.execute("select name from documents where file = ?", [seeds[-1].name]).fetchone()[0]
    page = text_of(get(datasette_instance(db_path), "/").text)
    assert f"New since {first[:10]}" in page and name in page


def test_the_guideline_diff_takes_years_or_symbols_and_its_csv_is_plain_text(site):
    ds, db = site
    by_id = get(ds, "/cosp/guideline_diff.json?_shape=array&from_version=" + quote("000_de38badff640f652.txt#guidelines")
                + "&to_version=" + quote("001_2874813f072c823d.txt#guidelines")).json()
    by_year = get(ds, "/cosp/guideline_diff.json?_shape=array&from_version=2018&to_version=2021").json()
    by_symbol = get(ds, "/cosp/guideline_diff.json?_shape=array&from_version=" + quote("CAC/COSP/WG.2/2018/5")
                    + "&to_version=2021").json()
    assert by_id and by_id == by_year == by_symbol
    csv = get(ds, "/cosp/guideline_diff.csv?from_version=2018&to_version=2021").text
    assert "<del>" not in csv and "<ins>" not in csv and "[-without the need for-] {+in the absence of+}" in csv
    added = [r for r in by_year if r["relation"] == "added"]
    assert added and all(r["shift"] is None for r in added)  # an added paragraph shifts nothing


def test_a_database_built_by_an_older_version_says_to_rebuild_it(tmp_path):
    """An old database (here: documents without their name column) is found out (``cosp serve``
    warns with the same check), and a page that needs the missing column says what to do instead
    of "something went wrong"."""
    import shutil

    from pipelines.publish.hooks import missing_schema

    db_path = tmp_path / "cosp.db"
    build([BUNDLED], db_path)
    old = tmp_path / "old.db"
    shutil.copy(db_path, old)
    old.chmod(0o644)
    conn = sqlite3.connect(old)
    conn.execute("alter table documents drop column name")
    conn.commit()
    conn.close()
    assert missing_schema(old) == ["documents.name"] and missing_schema(db_path) == []
    page = get(datasette_instance(old), "/-/cosp/documents")
    assert page.status_code == 500 and "rebuild it with" in page.text
