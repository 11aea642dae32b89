"""A manifest beside the files identifies documents the reader cannot: symbol, date, title."""
from __future__ import annotations

import sqlite_utils

from pipelines.corpus import manifest
from pipelines.corpus.ingest import BUNDLED, ingest
from pipelines.database.build import build

# A page with no front page: nothing says what it is or when it was issued.
BARE = ("1. In its resolution 7/1, the Conference requested the Secretariat to continue to collect information on "
        "good practices in asset recovery.\n\n2. The present note describes the progress made.\n")
SEED = "003_0699b6471873cb14.txt"


def _write(folder, rows, header="file\tsymbol\tdate\ttitle"):
    (folder / "manifest.tsv").write_text("\n".join([header] + ["\t".join(r) for r in rows]) + "\n", encoding="utf-8")


def test_columns_are_read_by_their_header_and_remarks_in_brackets_are_not_values(tmp_path):
    (tmp_path / "manifest.tsv").write_text(
        "title\tfile\tnotes\tsymbol\n"
        "Progress report\ta.txt\tfrom the site\tA/RES/73/190 (page 2's running header)\n"
        "\tb.txt\t\t\n", encoding="utf-8")
    assert manifest.read([tmp_path / "a.txt"]) == {"a.txt": {"symbol": "A/RES/73/190", "title": "Progress report"}}


def test_a_headerless_manifest_is_file_and_symbol(tmp_path):
    (tmp_path / "manifest.tsv").write_text("a.txt\tCAC/COSP/2019/5\n", encoding="utf-8")
    assert manifest.read([tmp_path / "a.txt"]) == {"a.txt": {"symbol": "CAC/COSP/2019/5"}}


def test_a_value_that_is_not_one_is_refused_naming_the_row(tmp_path):
    _write(tmp_path, [("a.txt", "CAC/COSP/2017/[..]", "23 Sept. 2019", "A title")])
    errors = []
    assert manifest.read([tmp_path / "a.txt"], errors) == {"a.txt": {"title": "A title"}}
    messages = [e.message for e in errors]
    assert any("row 2 (a.txt): symbol 'CAC/COSP/2017/[..]' is not a UN document symbol" in m for m in messages)
    assert any("date '23 Sept. 2019' is not a date written YYYY-MM-DD" in m for m in messages)
    assert all(e.file.endswith("manifest.tsv") and e.severity == "warning" for e in errors)


def test_a_document_that_says_nothing_of_itself_is_identified_by_the_manifest(tmp_path):
    (tmp_path / "bare.txt").write_text(BARE, encoding="utf-8")
    before = ingest([tmp_path / "bare.txt"]).documents[0]
    assert (before.meta.symbol, before.meta.date, before.meta.title) == (None, None, None)
    _write(tmp_path, [("bare.txt", "CAC/COSP/WG.2/2019/3", "2019-05-16", "Progress in implementing the mandates")])
    doc = ingest([tmp_path / "bare.txt"]).documents[0]
    assert (doc.meta.symbol, doc.meta.symbol_source, doc.meta.date, doc.meta.title) == (
        "CAC/COSP/WG.2/2019/3", "manifest", "2019-05-16", "Progress in implementing the mandates")
    assert "date '2019-05-16' from the manifest (the document gives none)" in doc.warnings


def test_a_printed_symbol_is_kept_and_the_disagreement_said(tmp_path):
    text = (BUNDLED / SEED).read_text(encoding="utf-8")
    (tmp_path / SEED).write_text(f"United Nations\n\nCAC/COSP/EG.1/2020/2\n\n{text}", encoding="utf-8")
    _write(tmp_path, [(SEED, "CAC/COSP/EG.1/2099/9", "", "")])
    corpus = ingest([tmp_path / SEED])
    assert corpus.documents[0].meta.symbol_source == "printed"
    assert any("the manifest gives CAC/COSP/EG.1/2099/9" in e.message for e in corpus.errors)


def test_the_database_follows_the_manifest_and_gives_the_read_values_back_when_a_row_goes(tmp_path):
    corp = tmp_path / "corp"
    corp.mkdir()
    (corp / "bare.txt").write_text(BARE, encoding="utf-8")
    (corp / SEED).write_bytes((BUNDLED / SEED).read_bytes())
    db_path = tmp_path / "c.db"
    printed = None
    for rows, expect in [
        ([("bare.txt", "", "2019-05-16", "Progress in implementing the mandates")],
         ("2019-05-16", 2019, "Progress in implementing the mandates")),
        ([("bare.txt", "", "2020-01-02", "Progress in implementing the mandates"), (SEED, "", "2020-10-06", "")],
         ("2020-01-02", 2020, "Progress in implementing the mandates")),
        ([], (None, None, None)),
    ]:
        _write(corp, rows)
        build([corp], db_path)
        db = sqlite_utils.Database(db_path)
        row = db["documents"].get("bare.txt")
        assert (row["date"], row["year"], row["title"]) == expect
        if expect[2]:  # a document without a symbol is called by its title and date everywhere
            assert row["name"] == f"{expect[2]} ({expect[0]})"
            cites = {r["cite"] for r in db.query("select cite from mandates where document = 'bare.txt'")}
            assert cites and all(c.startswith(row["name"]) for c in cites)
            assert "from the manifest" in row["warnings"]
            assert {r["document_date"] for r in db.query("select document_date from mandates where document = 'bare.txt'")} \
                == {expect[0]}
        evidence = {r["field"]: (r["value"], r["rule"]) for r in db.query(
            "select field, value, rule from metadata_evidence where document = 'bare.txt'")}
        assert {k: v for k, v in evidence.items() if k in ("date", "title")} == (
            {"date": (expect[0], "manifest"), "title": (expect[2], "manifest")} if expect[0] else {})
        seed = db["documents"].get(SEED)
        printed = printed or seed["date"]
        assert seed["date"] == ("2020-10-06" if any(r[0] == SEED for r in rows) else printed)
        db.close()
