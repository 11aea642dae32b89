"""Text from documents is escaped on every page, whatever it contains."""
from __future__ import annotations

import asyncio
from urllib.parse import quote

import pytest
import sqlite_utils
from datasette.utils import tilde_encode

from pipelines.database.build import build
from pipelines.publish.serve import datasette_instance

HOSTILE = """Distr.: General
5 April 2018

Original: English

Open-ended Intergovernmental Working Group on Asset Recovery

I. Introduction <img src=x onerror=alert(2)>

1. In its resolution 7/1, the Conference requested the Secretariat to <script>alert(1)</script> collect data on the Egmont Group.¹

2. The Working Group recommended that UNODC explore <img src=x onerror=alert(5)> options.

¹ See <img src=x onerror=alert(3)> and <script>alert(4)</script>.
"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("xss")
    (folder / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    db_path = folder / "x.db"
    build([folder], db_path)
    db = sqlite_utils.Database(db_path)
    assert db.execute("select count(*) from paragraphs where text like '%<script>%'").fetchone()[0] == 1
    return datasette_instance(db_path), db


def pages(db):
    thread = db.execute("select thread from mandates limit 1").fetchone()[0]
    para = db.execute("select id from paragraphs limit 1").fetchone()[0]
    return ["/x/paragraphs", f"/x/paragraphs/{tilde_encode(para)}", "/x/footnotes", "/x/headings", "/x/mandates",
            "/x/mandate_threads", "/x/documents", "/x/mentions", "/x/search_paragraphs?q=collect",
            "/x/search_all_text?q=alert", "/x/texts", "/x/paragraphs?_search=alert", "/x/footnotes?_search=alert",
            "/x/documents_citing?id=7/1", "/x/mandates_addressed_to?addressee=Secretariat",
            "/-/cosp/document/hostile.txt", f"/-/cosp/mandate?thread={quote(thread)}", "/x/document_outline"]


def test_every_page_escapes_markup_from_documents(hostile_site):
    ds, db = hostile_site
    for url in pages(db):
        r = asyncio.run(ds.client.get(url))
        assert r.status_code == 200, url
        assert "<script>alert" not in r.text and "<img src=x" not in r.text, url
    doc_page = asyncio.run(ds.client.get("/-/cosp/document/hostile.txt")).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in doc_page and "&lt;img src=x onerror=alert(3)&gt;" in doc_page


def test_arbitrary_sql_cannot_smuggle_markup_through_a_redline_column():
    """`select '<script>' as diff_html` once rendered as HTML: the redline columns now let
    through <del> and <ins> only, and the guideline_diff query shows the page's two sides."""
    import asyncio
    import tempfile
    from pathlib import Path
    from urllib.parse import quote

    from pipelines.corpus.ingest import BUNDLED
    from pipelines.database.build import build
    from pipelines.publish.serve import datasette_instance

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "cosp.db"
        build([BUNDLED], db)
        ds = datasette_instance(db)
        for column in ("diff_html", "before_html", "after_html", "snippet"):
            sql = f"select '<script>alert(1)</script><img src=x onerror=alert(1)><del>kept</del>' as {column}"
            page = asyncio.run(ds.client.get("/cosp?sql=" + quote(sql))).text
            assert "<script>alert" not in page and "<img src=x" not in page, column
        diff = asyncio.run(ds.client.get("/cosp/guideline_diff?from_version=000_de38badff640f652.txt%23guidelines"
                                         "&to_version=001_2874813f072c823d.txt%23guidelines")).text
        assert "<del>" in diff and "<ins>" in diff and "&amp;lt;" not in diff
        sql = "select '<script>alert(1)</script>[-<b>x</b>-]{+y+}' as redline"
        page = asyncio.run(ds.client.get("/cosp?sql=" + quote(sql))).text
        assert "<script>alert" not in page and "<b>x" not in page and "<del>&lt;b&gt;x&lt;/b&gt;</del>" in page
