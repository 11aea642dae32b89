"""What is new: the build history, each document's first_seen, the page and the Atom feeds."""
from __future__ import annotations

import asyncio
import shutil
import sqlite3

import pytest

from pipelines.corpus.ingest import BUNDLED
from pipelines.database.build import build
from pipelines.publish.serve import datasette_instance


@pytest.fixture(scope="module")
def grown(tmp_path_factory):
    """The seeds built, then one more document built a day later."""
    import os

    tmp = tmp_path_factory.mktemp("news")
    corpus, db = tmp / "corpus", tmp / "cosp.db"
    shutil.copytree(BUNDLED, corpus)
    removed = corpus / "004_a54e2567ed20a275.txt"
    kept = removed.read_bytes()
    removed.unlink()
    before = os.environ.get("SOURCE_DATE_EPOCH")
    try:
        os.environ["SOURCE_DATE_EPOCH"] = "1764547200"  # 2025-12-01
        build([corpus], db)
        removed.write_bytes(kept)
        os.environ["SOURCE_DATE_EPOCH"] = "1764633600"  # 2025-12-02
        build([corpus], db)
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None) if before is None else os.environ.update(SOURCE_DATE_EPOCH=before)
    return db


def get(ds, url):
    return asyncio.run(ds.client.get(url))


def test_each_build_is_recorded_with_what_it_added_and_documents_keep_when_they_came(grown):
    conn = sqlite3.connect(grown)
    history = conn.execute("select built_at, added from build_history order by id").fetchall()
    assert [h[0][:10] for h in history] == ["2025-12-01", "2025-12-02"]
    assert history[1][1] == '["004_a54e2567ed20a275.txt"]'
    seen = dict(conn.execute("select id, substr(first_seen, 1, 10) from documents"))
    assert seen["004_a54e2567ed20a275.txt"] == "2025-12-02" and seen["000_de38badff640f652.txt"] == "2025-12-01"


def test_the_new_documents_feed_is_atom_newest_first(grown):
    ds = datasette_instance(grown)
    feed = get(ds, "/cosp/new_documents.atom")
    assert feed.status_code == 200 and "<feed" in feed.text and feed.headers["content-type"].startswith("application/xml")
    entries = feed.text.split("<entry>")[1:]
    assert len(entries) == 5 and "document/004_a54e2567ed20a275.txt" in entries[0]  # the newest first
    since = get(ds, "/cosp/new_documents.json?_shape=array&since=2025-12-02").json()
    assert len(since) == 1


def test_new_mandates_can_be_followed_by_addressee(grown):
    ds = datasette_instance(grown)
    feed = get(ds, "/cosp/new_mandates.atom?addressee=the+Secretariat&body=")
    assert feed.status_code == 200 and feed.text.count("<entry>") >= 1
    rows = get(ds, "/cosp/new_mandates.json?_shape=array&addressee=the+Secretariat&body=").json()
    assert rows and all("ecretariat" in (r["addressee"] or "") for r in rows)


def test_a_saved_search_is_a_feed(grown):
    ds = datasette_instance(grown)
    feed = get(ds, "/cosp/search_feed.atom?q=asset+recovery")
    assert feed.status_code == 200 and feed.text.count("<entry>") >= 1


def test_the_what_is_new_page_lists_the_builds_and_the_feeds(grown):
    ds = datasette_instance(grown)
    page = get(ds, "/-/cosp/new")
    assert page.status_code == 200
    assert "What is new since 2025-12-01" in page.text and "new_mandates.atom" in page.text
    assert page.text.index("2025-12-02") < page.text.index("2025-12-01 ")
