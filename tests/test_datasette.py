"""The published site, through Datasette's own client, over a database built from the seeds."""
from __future__ import annotations

import asyncio
import re
from urllib.parse import quote, quote_plus

import pytest
import sqlite_utils

from pipelines.database.build import build
from pipelines.corpus.ingest import BUNDLED
from pipelines.publish.serve import EXAMPLE_PARAMS, database_metadata, datasette_instance


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    db_path = tmp_path_factory.mktemp("site") / "cosp.db"
    build([BUNDLED], db_path)
    return datasette_instance(db_path), sqlite_utils.Database(db_path)


def get(ds, url):
    return asyncio.run(ds.client.get(url))


def _visible(db):
    tables = [t for t in db.table_names() if not t.startswith("sqlite_") and "_fts" not in t]
    return tables + db.view_names()


def test_every_table_and_column_has_a_description(site):
    _, db = site
    meta = database_metadata()["tables"]
    for name in _visible(db):
        assert meta.get(name, {}).get("description"), f"{name} has no description"
        described = set(meta[name].get("columns", {}))
        assert {c.name for c in db[name].columns} <= described, f"{name}: {set(c.name for c in db[name].columns) - described}"


def test_every_facet_column_of_a_table_is_indexed(site):
    _, db = site
    for name, table in database_metadata()["tables"].items():
        if name in db.table_names():
            leading = {index.columns[0] for index in db[name].indexes} | set(db[name].pks[:1])
            assert not set(table.get("facets", [])) - leading, f"{name}: facet columns without an index"


def test_table_pages_show_their_descriptions_and_source(site):
    ds, db = site
    page = get(ds, "/cosp/mandates").text
    assert "Who asked whom to do what" in page and "United Nations documents" in page


EXAMPLES = EXAMPLE_PARAMS


@pytest.mark.parametrize("query", sorted(database_metadata()["queries"]))
def test_every_canned_query_runs_and_returns_rows(site, query):
    ds, _ = site
    params = "&".join(f"{k}={quote(v)}" for k, v in EXAMPLES[query].items())
    r = get(ds, f"/cosp/{query}.json?_shape=array&{params}")
    assert r.status_code == 200, r.text[:300]
    assert len(r.json()) > 0


def test_full_text_search_finds_the_known_paragraph(site):
    ds, _ = site
    rows = get(ds, "/cosp/search_paragraphs.json?_shape=array&q=spontaneous+disclosure").json()
    assert ("000_de38badff640f652.txt", "10") in {(r["document"], r["at"]) for r in rows}
    html = get(ds, "/cosp/search_paragraphs?q=spontaneous+disclosure").text
    assert "<mark>spontaneous</mark> <mark>disclosure</mark>" in html
    assert '/-/cosp/document/000_de38badff640f652.txt' in html


@pytest.mark.parametrize("words, kind, document, at", [
    ("Few and Far", "footnote", "000_de38badff640f652.txt", "fn5"),
    ("Thematic discussions", "title", "000_de38badff640f652.txt", "front"),
    ("forge more partnerships", "mandate", "002_95027576749d3358.txt", "89"),
    ("Language requirements", "guideline", "000_de38badff640f652.txt", "g6.2"),
    ("spontaneous disclosure", "paragraph", "000_de38badff640f652.txt", "10"),
])
def test_one_search_covers_paragraphs_footnotes_titles_mandates_and_guidelines(site, words, kind, document, at):
    ds, _ = site
    rows = get(ds, f"/cosp/search_all_text.json?_shape=array&q={quote(words)}").json()
    assert (kind, document, at) in {(r["kind"], r["document"], r["at"]) for r in rows}


@pytest.mark.parametrize("table, words, expected", [
    ("paragraphs", "spontaneous disclosure", "000_de38badff640f652.txt#10"),
    ("footnotes", "Few and Far", "000_de38badff640f652.txt#fn5"),
    ("mandates", "forge more partnerships", None),
    ("documents", "Thematic discussions", "000_de38badff640f652.txt"),
])
def test_each_table_page_searches_its_own_rows(site, table, words, expected):
    ds, db = site
    rows = get(ds, f"/cosp/{table}.json?_shape=array&_search={quote(words)}").json()
    assert rows and all(r["id"] in {x["id"] for x in db[table].rows} for r in rows)
    assert expected is None or expected in {r["id"] for r in rows}
    page = get(ds, f"/cosp/{table}").text
    assert 'name="_search"' in page  # the search box is offered


@pytest.mark.parametrize("q", ["7/1", 'resolution "7/1', "AND OR NEAR(", "*"])
def test_search_takes_any_input_without_syntax_errors(site, q):
    ds, _ = site
    for query in ("search_paragraphs", "search_all_text"):
        assert get(ds, f"/cosp/{query}.json?_shape=array&q={quote(q)}").status_code == 200


def test_document_page_reads_paragraph_by_paragraph_with_links(site):
    ds, _ = site
    page = get(ds, "/-/cosp/document/000_de38badff640f652.txt")
    assert page.status_code == 200
    assert 'id="p-4"' in page.text and "In its resolution 7/1, the Conference urged States parties" in page.text
    assert "https://undocs.org/CAC/COSP/WG.2/2018/5" in page.text
    assert "/-/cosp/mandate?thread=" in page.text and "Camden Asset Recovery Inter-Agency Network" in page.text
    row = re.search(r'href="([^"]+)">all its metadata', page.text).group(1)  # "a.txt" is a key, not a format
    assert get(ds, row).status_code == 200
    assert "/-/cosp/resolution?id=7/1" in page.text


def test_mandate_page_shows_the_thread_as_a_timeline(site):
    ds, db = site
    thread = next(db.query("select thread from mandates where document = '001_2874813f072c823d.txt' and at = '7'"))
    page = get(ds, f"/-/cosp/mandate?thread={quote(thread['thread'])}")
    assert page.status_code == 200
    text = page.text
    assert text.index("Resolution 6/2") < text.index("Resolution 7/1") < text.index("Resolution 8/9")
    assert "CAC/COSP/WG.2/2018/2, para. 54 (c)" in text


def test_redline_page_marks_insertions_deletions_and_shifts(site):
    ds, _ = site
    page = get(ds, "/-/cosp/redline")
    assert page.status_code == 200
    assert "<ins>" in page.text and "<del>" in page.text
    for word in ("moved", "merged", "split", "softened", "added"):
        assert f">{word}<" in page.text


def test_missing_pages_are_404(site):
    ds, _ = site
    assert get(ds, "/-/cosp/document/nope.txt").status_code == 404
    assert get(ds, "/-/cosp/mandate?thread=nope").status_code == 404


def test_json_and_csv_api(site):
    ds, _ = site
    assert get(ds, "/cosp/documents.json?_shape=array").json()[0]["id"]
    csv = get(ds, "/cosp/references.csv?kind=cosp_resolution&_size=5").text
    assert csv.splitlines()[0].startswith("id,document,at")


def test_symbols_link_to_undocs(site):
    ds, _ = site
    html = get(ds, "/cosp/references?kind=document&_size=5").text
    assert '<a href="https://undocs.org/CAC/COSP/' in html


def test_database_is_immutable(site):
    ds, _ = site
    db = next(d for n, d in ds.databases.items() if n != "_internal")
    assert not db.is_mutable
    assert get(ds, "/cosp.db").status_code == 200  # the whole database can be downloaded


def test_each_instance_gets_its_own_metadata_and_descriptions_stay_read_only(tmp_path):
    from pipelines.publish.serve import metadata_for

    a, b = metadata_for(tmp_path / "a.db"), metadata_for(tmp_path / "b.db")
    a["databases"]["a"]["queries"]["search_paragraphs"]["name"] = "written by Datasette"
    assert "name" not in b["databases"]["b"]["queries"]["search_paragraphs"]
    with pytest.raises(TypeError):
        a["databases"]["a"]["tables"]["paragraphs"]["columns"]["text"] = "changed"


@pytest.fixture
def own_corpus(tmp_path):
    """A copy of the seeds that a test may change, built once: (corpus folder, database)."""
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(BUNDLED, corpus)
    build([corpus], tmp_path / "cosp.db")
    return corpus, tmp_path / "cosp.db"


def test_a_running_server_serves_the_database_a_rebuild_put_in_place(own_corpus):
    """The build replaces the file; the server, started before, answers from the new one."""
    corpus, db_path = own_corpus
    ds = datasette_instance(db_path)
    count = "/cosp.json?sql=select+count(*)+as+n+from+documents&_shape=array"
    assert get(ds, count).json() == [{"n": 5}]
    (corpus / "003_0699b6471873cb14.txt").unlink()
    build([corpus], db_path)
    assert get(ds, count).json() == [{"n": 4}]
    assert get(ds, "/cosp/documents.json?_shape=array&_col=id").status_code == 200


def test_the_response_cache_renders_a_page_once_per_build_and_never_shares_a_session(own_corpus):
    from pipelines.publish.serve import serving_app

    corpus, db_path = own_corpus
    app = serving_app(db_path)
    calls = []
    inner = app.app

    async def counting(scope, receive, send):
        calls.append(scope["path"])
        await inner(scope, receive, send)

    app.app = counting

    async def fetch(path, query=b"", headers=()):
        sent = []

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            sent.append(message)

        await app({"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": query,
                   "headers": list(headers), "scheme": "http", "server": ("127.0.0.1", 8001),
                   "client": ("127.0.0.1", 1), "http_version": "1.1", "root_path": ""}, receive, send)
        return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])

    count = b"sql=select+count(*)+as+n+from+documents&_shape=array"
    first = asyncio.run(fetch("/cosp.json", count))
    assert asyncio.run(fetch("/cosp.json", count)) == first and first[1] == b'[{"n": 5}]'
    assert calls == ["/cosp.json"]  # the second answer came from the cache
    asyncio.run(fetch("/cosp.json", count, [(b"cookie", b"ds_actor=x")]))
    assert len(calls) == 2  # a request with a cookie is always rendered
    (corpus / "003_0699b6471873cb14.txt").unlink()
    build([corpus], db_path)
    assert asyncio.run(fetch("/cosp.json", count))[1] == b'[{"n": 4}]'  # a rebuild is a new key
    assert asyncio.run(fetch("/nowhere"))[0] == 404
    asyncio.run(fetch("/nowhere"))
    assert calls.count("/nowhere") == 2  # errors are not kept


def test_a_long_mandate_thread_is_paged(site, monkeypatch):
    from pipelines.publish import site as pages

    ds, db = site
    thread, n = db.execute("select thread, count(*) from mandates group by thread order by 2 desc limit 1").fetchone()
    assert n >= 3
    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    first = get(ds, f"/-/cosp/mandate?thread={quote(thread)}").text
    assert f"Sightings 1–2 of {n}" in first and "page=2" in first
    last = get(ds, f"/-/cosp/mandate?thread={quote(thread)}&page={(n + 1) // 2}")
    assert last.status_code == 200 and "previous" in last.text and f"of {n}" in last.text


def test_the_reading_page_shows_guideline_text_items_once_and_each_tag_where_it_is_printed(site):
    ds, db = site
    page = get(ds, "/-/cosp/document/000_de38badff640f652.txt").text
    assert "States should be able to transmit information spontaneously" in page  # a guideline paragraph
    import sqlite3

    from pipelines.publish.site import document_page

    units = document_page(sqlite3.connect(db.conn.execute("pragma database_list").fetchone()[2]),
                          "000_de38badff640f652.txt")["units"]
    front = [u for u in units if u["at"] == "front"]
    assert [len(u["references"]) for u in front].count(1) == 1  # the front page prints article 56 in one block
    assert ">article 56<" in page
    report = get(ds, "/-/cosp/document/002_95027576749d3358.txt").text
    para5 = re.search(r'id="p-5">(.*?)</div>', report).group(1)
    assert para5.endswith("three main themes:")  # its chapeau: the items follow, once each
    assert report.count("(a) developing cumulative knowledge;") == 1 and 'id="p-5(a)"' in report


@pytest.mark.parametrize("typed, query", [
    ("", '""'),
    ("   ", '""'),
    ("asset recovery", '"asset" "recovery"'),
    ('"asset recovery" guidelines', '"asset recovery" "guidelines"'),
    ("resolution 7/1", '"resolution" "7/1"'),
    ("A/RES/71/208", '("A/RES/71/208" OR "71/208")'),  # as typed, or as documents print it
    ("Egmont OR CARIN", '"Egmont" OR "CARIN"'),
    ("OR Egmont OR", '"Egmont"'),
    ('unbalanced "quote', '"unbalanced" "quote"'),
    ("(article 56)", '"article" "56"'),
])
def test_a_typed_search_becomes_a_valid_fts5_query(typed, query):
    from pipelines.publish.search import fts_query

    assert fts_query(typed) == query


@pytest.mark.parametrize("q, at_least", [("", 0), ("resolution 7/1", 1), ("71/208", 1), ("recovery asset", 1),
                                         ('"asset recovery"', 1), ("Egmont OR CARIN", 1), ('7/1 "', 1)])
def test_search_forgives_what_people_type(site, q, at_least):
    ds, _ = site
    r = get(ds, f"/cosp/search_all_text.json?_shape=array&q={quote(q)}")
    assert r.status_code == 200, r.text[:300]
    rows = r.json()
    assert len(rows) >= at_least and (not rows or rows[0]["matches"] >= len(rows))
    page = get(ds, f"/cosp/search_paragraphs?q={quote(q)}")
    assert page.status_code == 200 and "syntax error" not in page.text


def test_documents_are_listed_and_reachable_by_symbol_and_the_home_page_names_this_database(tmp_path):
    db_path = tmp_path / "any-name.db"
    build([BUNDLED], db_path)
    ds = datasette_instance(db_path)
    home = get(ds, "/").text
    assert 'href="/any-name/documents_citing' in home and 'href="/cosp/' not in home
    listing = get(ds, "/-/cosp/documents").text
    assert listing.count("<tr>") == 6 and "/-/cosp/document/CAC/COSP/WG.2/2018/5" in listing
    assert "Revised draft non-binding guidelines on the timely sharing of information" in listing  # no symbol: its title
    by_symbol = get(ds, "/-/cosp/document/CAC/COSP/WG.2/2018/5")
    assert by_symbol.status_code == 200 and "Timely sharing of information" in by_symbol.text
    assert get(ds, "/-/cosp/resolution/7/1").status_code == 200
    assert get(ds, "/-/cosp/document/CAC/COSP/1999/1").status_code == 404


@pytest.mark.parametrize("url, link", [
    ("/cosp/mandate_threads", "/-/cosp/document/CAC/COSP/"),  # a symbol in the document column: in-site
    ("/cosp/references?kind=cosp_resolution", "/-/cosp/document/000_de38badff640f652.txt#p-"),  # a cite
    ("/cosp/documents", 'href="/-/cosp/document/000_de38badff640f652.txt"'),
    ("/cosp/mandates", "/-/cosp/mandate?thread="),
    ("/cosp/network_mentions_by_document?network=Egmont", 'href="/-/cosp/network?name=Egmont+Group'),  # canned
    ("/cosp/mandates_addressed_to?addressee=Secretariat", 'href="/-/cosp/addressee?name=the+Secretariat"'),
    ("/cosp/documents_citing?id=7%2F1", 'href="/-/cosp/resolution?id=7/1"'),
    ("/cosp/figure_time_series?subject=", 'href="/-/cosp/document/'),  # each document stating the figure
    ("/cosp/citation_graph", "#p-"),  # each paragraph citing
])
def test_table_rows_link_to_the_pages_of_what_they_name(site, url, link):
    ds, _ = site
    assert link in get(ds, url).text


def test_the_redline_has_a_legend_counts_a_version_picker_and_a_shift_filter(site):
    ds, db = site
    page = get(ds, "/-/cosp/redline").text
    assert "Legend:" in page and "Obligation shifts:" in page and "<select" in page
    a, b = [r[0] for r in db.execute("select id from guideline_versions order by chain, position limit 2")]
    shifts = db.execute("select count(*) from guideline_alignment where from_version = ? and to_version = ? "
                        "and direction not in ('same', 'none') and relation not in ('added', 'removed')",
                        [a, b]).fetchone()[0]
    only = get(ds, f"/-/cosp/redline?from={quote(a)}&to={quote(b)}&shifts=1").text
    rows = only.count('<td class="meta"><span class="badge ')  # title rows have a plain badge
    assert shifts > 0 and rows == shifts
    assert "show every paragraph" in only


@pytest.mark.parametrize("printed, name", [
    ("the Secretariat", "the Secretariat"), ("the secretariat", "the Secretariat"), ("UNODC", "UNODC"),
    ("the United Nations Office on Drugs and Crime", "UNODC"), ("States Parties", "States parties"),
    ("all Member States", "Member States"), ("all countries", "Countries"), (None, None),
])
def test_addressees_are_one_name_whatever_their_spelling(printed, name):
    from extract.addressees import normalise

    assert normalise(printed) == name


WG2 = "Open-ended Intergovernmental Working Group on Asset Recovery"
EG1 = "Open-ended intergovernmental expert meeting to enhance international cooperation under the United Nations Convention against Corruption"


@pytest.mark.parametrize("printed, body, name", [
    ("the Working Group", WG2, "the Working Group on Asset Recovery"),
    ("Working Group", WG2, "the Working Group on Asset Recovery"),
    ("the Working Group", "Conference of the States Parties to the United Nations Convention against Corruption",
     "Working Group"),  # which working group the Conference means is not said: kept as printed
    ("the expert meetings", EG1, "the expert meeting on international cooperation"),
    ("the Meeting", EG1, "the expert meeting on international cooperation"),
    ("States parties to the Convention", WG2, "States parties"),
    ("the Secretariat", WG2, "the Secretariat"),
])
def test_a_bare_name_of_the_documents_own_body_is_that_body(printed, body, name):
    from extract.addressees import normalise

    assert normalise(printed, body) == name


def test_an_addressee_page_lists_its_spellings_and_mandates(site):
    ds, db = site
    index = get(ds, "/-/cosp/addressee").text
    assert "/-/cosp/addressee?name=the+Secretariat" in index
    page = get(ds, "/-/cosp/addressee?name=the+Secretariat").text
    assert "“the Secretariat”" in page and "“the secretariat”" in page
    n = db.execute("select count(*) from mandates where addressee_key = 'the Secretariat'").fetchone()[0]
    assert f"Mandates addressed to the Secretariat ({n})" in page and "/-/cosp/document/" in page
    assert get(ds, "/-/cosp/addressee?name=nobody").status_code == 404


def test_every_link_reachable_from_the_home_page_answers(site):
    """A bounded crawl of the site from `/`: no page it links to is a 404 or an error."""
    import html as html_lib
    from urllib.parse import urldefrag, urlsplit

    ds, _ = site
    seen, queue, broken, hashed = {"/"}, ["/"], [], []
    file_hash = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")  # the seeds' file names: each has a symbol or title
    while queue and len(seen) < 400:
        url = queue.pop(0)
        r = get(ds, url)
        if r.status_code >= 400:
            broken.append((url, r.status_code))
            continue
        if "text/html" not in r.headers.get("content-type", ""):
            continue
        # what a reader sees; the documents table's `file` column is the one place a file's name is the value
        shown = re.sub(r"<(script|style|textarea)\b.*?</\1>|<td class=\"col-file\b.*?</td>", " ", r.text, flags=re.S)
        shown = re.sub(r"<[^>]+>", " ", shown)
        if file_hash.search(shown):
            hashed.append((url, file_hash.search(shown).group(0)))
        for href in re.findall(r'href="([^"]+)"', r.text):
            href = urldefrag(html_lib.unescape(href))[0]
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not href.startswith("/") or href.startswith("/-/static"):
                continue
            if re.search(r"\.(json|csv|db)(\?|$)", parts.path) or "_sort" in href or "_facet" in href:
                continue  # data formats and sortings of pages already crawled
            if href not in seen:
                seen.add(href)
                queue.append(href)
    assert len(seen) > 60
    assert not broken, broken[:20]
    assert not hashed, hashed[:20]  # a document is shown by its name, never its file's


def test_every_site_url_the_readme_gives_answers(site):
    from pathlib import Path

    ds, _ = site
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    urls = {u.rstrip(".,;:") for u in re.findall(r"http://127\.0\.0\.1:8001(/[^\s`)]*)", readme)}
    urls |= {u for u in re.findall(r"`(/-/cosp/[^`\s]*)`", readme) if "<" not in u and "..." not in u}
    assert len(urls) > 10
    failing = [(u, get(ds, u).status_code) for u in sorted(urls) if get(ds, u).status_code != 200]
    assert not failing, failing


def test_a_network_page_shows_its_facts_and_every_mention_in_context(site):
    ds, db = site
    name, n = db.execute("select name, mentions from networks where mentions > 0 order by mentions desc").fetchone()
    page = get(ds, f"/-/cosp/network?name={quote(name)}").text
    assert page.count("<mark>") == min(n, 200) and "/-/cosp/document/" in page
    assert f"/-/cosp/network?name={quote_plus(name)}" in get(ds, "/cosp/networks").text
    assert get(ds, "/-/cosp/network?name=Nothing").status_code == 404


@pytest.mark.parametrize("typed", ["7/1", "resolution 7/1", "Resolution 7/1."])
def test_documents_citing_takes_a_reference_as_people_type_it(site, typed):
    ds, db = site
    rows = get(ds, f"/cosp/documents_citing.json?_shape=array&id={quote(typed)}").json()
    n = db.execute("select count(*) from [references] where ref_id = '7/1'").fetchone()[0]
    assert len(rows) == n > 0


def test_a_ga_resolution_is_found_by_its_number_or_its_symbol(site):
    ds, db = site
    rid = db.execute("select ref_id from [references] where kind = 'ga_resolution' limit 1").fetchone()[0]
    short = rid.replace("A/RES/", "")
    for typed in (rid, short, rid.lower()):
        assert get(ds, f"/cosp/documents_citing.json?_shape=array&id={quote(typed)}").json(), typed


def test_mandate_history_finds_words_in_any_order_and_links_its_rows(site):
    ds, _ = site
    assert get(ds, "/cosp/mandate_history.json?_shape=array&words=" + quote("recovery asset")).json()
    page = get(ds, "/cosp/mandate_history?words=" + quote("asset recovery")).text
    assert "/-/cosp/document/" in page and "/-/cosp/mandate?thread=" in page


def test_an_unknown_path_is_a_404_page_with_ways_on(site):
    ds, _ = site
    r = get(ds, "/-/cosp/nowhere")
    assert r.status_code == 404 and 'href="/-/cosp/documents"' in r.text and "Nothing here" in r.text


def test_a_split_shows_its_old_paragraph_once_and_names_its_parts(site):
    ds, db = site
    a, b = [r[0] for r in db.execute("select id from guideline_versions order by chain, position limit 2")]
    page = get(ds, f"/-/cosp/redline?from={quote(a)}&to={quote(b)}").text
    parts = [r[0] for r in db.execute("select to_at from guideline_alignment where relation = 'split' and from_at = 'g3.1' "
                                      "and from_version = ? order by to_at", [a])]
    assert len(parts) == 3
    assert f"g3.1 → {' + '.join(parts)}" in page
    assert page.count("(part of the split above)") == 2


def test_the_threads_page_lists_every_thread_with_a_short_name_and_its_timeline(site):
    ds, db = site
    n = db.execute("select count(distinct thread) from mandates").fetchone()[0]
    page = get(ds, "/-/cosp/threads?observations=1").text
    assert page.count('href="/-/cosp/mandate?thread=') == min(n, 500)
    assert 'href="/-/cosp/threads"' in get(ds, "/").text


@pytest.mark.parametrize("kind, path, registry", [("network", "network", "networks"),
                                                  ("organisation", "organisation", "organisations"),
                                                  ("country", "country", "countries"),
                                                  ("regional_group", "group", None)])
def test_every_kind_of_named_thing_has_an_index_and_pages_linked_from_its_rows(site, kind, path, registry):
    ds, db = site
    key, n = db.execute("select entity, count(*) from mentions where entity_type = ? group by entity "
                        "order by 2 desc, 1 limit 1", [kind]).fetchone()
    index = get(ds, f"/-/cosp/{path}").text
    assert f"/-/cosp/{path}?name={quote_plus(key)}" in index
    page = get(ds, f"/-/cosp/{path}?name={quote_plus(key)}")
    assert page.status_code == 200 and page.text.count("<mark>") == min(n, 200)
    assert "named in" in page.text and "/-/cosp/document/" in page.text
    rows = get(ds, f"/cosp/mentions?entity_type={kind}&entity={quote_plus(key)}").text
    assert f'href="/-/cosp/{path}?name={quote_plus(key)}"' in rows
    if registry:  # the registry's own table links there too
        assert f'href="/-/cosp/{path}?name={quote_plus(key)}"' in get(ds, f"/cosp/{registry}?_size=max").text
    assert get(ds, f"/-/cosp/{path}?name=Nothing+of+the+kind").status_code == 404


def test_a_country_page_says_which_replies_it_sent_and_its_group(site):
    ds, db = site
    iso3, name, group, document, footnote = db.execute(
        "select r.iso3, c.name, c.regional_group, r.document, r.footnote from replies r "
        "join countries c on c.iso3 = r.iso3 order by r.id limit 1").fetchone()
    page = get(ds, f"/-/cosp/country?name={iso3}").text
    assert "Replies it sent" in page and f"/-/cosp/document/{document}#p-{footnote}" in page
    assert f"/-/cosp/group?name={quote_plus(group)}" in page
    assert get(ds, f"/-/cosp/country?name={quote_plus(name)}").status_code == 200  # by name, as people type it
    assert f'href="/-/cosp/country?name={iso3}">{name}<' in get(ds, f"/cosp/countries?iso3={iso3}").text
    members = get(ds, f"/-/cosp/group?name={quote_plus(group)}").text
    assert "Members (" in members and f"/-/cosp/country?name={iso3}" in members
    silent = db.execute("select iso3 from countries where iso3 not in (select entity from mentions "
                        "where entity_type = 'country') limit 1").fetchone()[0]
    assert "No document in this database names it" in get(ds, f"/-/cosp/country?name={silent}").text


def test_the_server_keeps_its_start_up_objects_out_of_the_garbage_collector(site):
    import gc

    ds, _ = site
    get(ds, "/")  # the first request runs the startup hooks
    assert gc.get_freeze_count() > 10_000  # frozen: the collector's full sweeps skip them


def test_the_published_metadata_sets_no_permissions(site):
    """The site replaces Datasette's default permission plugin (it copied the whole metadata per
    table per page) with its two rules; that is only right while no `allow` block is published."""
    import json

    from pipelines.publish.serve import metadata

    assert '"allow' not in json.dumps(metadata())
    ds, _ = site
    assert get(ds, "/_internal").status_code in (403, 404)
    assert get(ds, "/cosp/mandates").status_code == 200
